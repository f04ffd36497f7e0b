from django.contrib.auth.backends import ModelBackend

from .choices import Role


class RoleBackend(ModelBackend):
    """System administrators (the role) hold every model permission, so they can keep the reference
    data in the admin without per-model grants. Other roles get none from here: they change data
    through the services, which check jurisdiction."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None  # authentication stays with axes + ModelBackend

    def _is_admin(self, user_obj) -> bool:
        return bool(
            user_obj.is_active and getattr(user_obj, "pk", None) and user_obj.has_role(Role.SYSTEM_ADMIN)
        )

    def has_perm(self, user_obj, perm, obj=None):
        return self._is_admin(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return self._is_admin(user_obj)
