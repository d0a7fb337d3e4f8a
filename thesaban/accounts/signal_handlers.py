from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from .models import Division
from .services import ensure_division_groups


@receiver(post_save, sender=Division)
def division_saved(sender, instance: Division, raw: bool = False, **kwargs) -> None:
    if not raw:
        ensure_division_groups(instance)


@receiver(m2m_changed, sender=Division.sections.through)
def division_sections_changed(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        # Changed from the page's side: `instance` is a page, resync every division involved.
        for division in Division.objects.filter(pk__in=kwargs.get("pk_set") or ()):
            ensure_division_groups(division)
    else:
        ensure_division_groups(instance)
