"""What a new municipality needs, contributed by each app: setup steps and the rights of roles.

Apps register from their `AppConfig.ready`, so the code that builds a municipality imports no
feature app:

- `register_setup_step(step)`: `step(home=…, site=…)` is called once the site's structure is
  built (`pages.services.ensure_site_structure`, hence `setup_site` and the demo), with the
  home page and the Wagtail `Site`. Steps must be safe to run again: what exists is kept.
  Monitoring adds its shipped freshness rules this way.
- `register_role_permissions(role, "app_label.codename", …)`: the model permissions a role's
  groups receive (`accounts.services.ensure_role_groups` and `ensure_division_groups` read
  them). Roles are named by their key in `accounts.roles.ROLES` ("preparer", "supervisor",
  "web_operator", "it_administrator"); core cannot check the key, accounts does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

SetupStep = Callable[..., object]


class SetupRegistry:
    """Setup steps in the order registered, and the permissions of each role."""

    def __init__(self) -> None:
        self._steps: list[SetupStep] = []
        self._permissions: dict[str, list[str]] = {}

    def register_step(self, step: SetupStep) -> SetupStep:
        # An app's `ready` may run twice; a step runs once per setup all the same.
        if step not in self._steps:
            self._steps.append(step)
        return step

    def steps(self) -> Iterator[SetupStep]:
        return iter(list(self._steps))

    def register_permissions(self, role: str, *permissions: str) -> None:
        for permission in permissions:
            app_label, dot, codename = permission.partition(".")
            if not (app_label and dot and codename):
                raise ValueError(f"{permission!r}: expected 'app_label.codename'")
            granted = self._permissions.setdefault(role, [])
            if permission not in granted:
                granted.append(permission)

    def permissions(self, role: str) -> list[tuple[str, str]]:
        """(app_label, codename) of every permission registered for `role`."""
        return [tuple(permission.split(".", 1)) for permission in self._permissions.get(role, ())]

    def roles(self) -> list[str]:
        return list(self._permissions)


_registry = SetupRegistry()


def register_setup_step(step: SetupStep) -> SetupStep:
    """Call `step(home=…, site=…)` whenever a municipality's site structure is built."""
    return _registry.register_step(step)


def run_setup_steps(*, home, site) -> None:
    """Run every registered step, in the order registered, for `home` on `site`."""
    for step in _registry.steps():
        step(home=home, site=site)


def register_role_permissions(role: str, *permissions: str) -> None:
    """Give the groups of `role` these model permissions ("app_label.codename")."""
    _registry.register_permissions(role, *permissions)


def role_permissions(role: str) -> list[tuple[str, str]]:
    """(app_label, codename) of the model permissions the apps gave `role`."""
    return _registry.permissions(role)


def roles_with_permissions() -> list[str]:
    """Every role some app registered permissions for (to check the names against the roles)."""
    return _registry.roles()
