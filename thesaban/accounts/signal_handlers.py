from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from .models import Division
from .services import ensure_all_role_groups, ensure_division_groups, join_municipality_of_groups


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


@receiver(m2m_changed, sender=get_user_model().groups.through)
def groups_of_user_changed(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    if action != "post_add":
        return
    users = (
        get_user_model().objects.filter(pk__in=kwargs.get("pk_set") or ())
        if reverse
        else [instance]
    )
    for user in users:
        join_municipality_of_groups(user)


def roles_after_migrate(sender, using="default", apps=None, **kwargs) -> None:
    # The roles' rights name models of apps whose own post_migrate (which creates their
    # permissions) may not have run yet: make every app's permissions first.
    from django.apps import apps as installed
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in installed.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    ensure_all_role_groups()
