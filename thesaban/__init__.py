"""Thesaban: a Thai municipality's public website and legally required public disclosure."""
