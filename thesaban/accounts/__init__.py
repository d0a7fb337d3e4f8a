"""Accounts: staff, the divisions they belong to, and their roles.

Owns `Division` (กอง/สำนัก) and the four roles of the announcement (preparer, supervisor, web
operator, IT administrator) as Django groups. Imports nothing from the other Thesaban apps.
"""
