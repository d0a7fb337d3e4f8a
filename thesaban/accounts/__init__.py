"""Accounts: staff, the divisions they belong to, and their roles.

Owns `Division` (กอง/สำนัก) and the four roles of the announcement (preparer, supervisor, web
operator, IT administrator) as Django groups, and the grants of roles that approve or
publish, which wait for a second person (`RoleGrant`, `services.assign_roles`). Also owns how
staff sign in: the TOTP second factor (django-otp), lockout after failed sign-ins
(django-axes), the password chosen at the first sign-in (`AccountSecurity`), the sign-in log,
and the limits on Wagtail's user screens for the IT administrator. The rights each role's
groups get are contributed by the apps (`core.setup`). Imports only `core`.
"""
