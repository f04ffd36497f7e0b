from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from khuyencong.accounts.api import router as accounts_router
from khuyencong.accounts.units_api import router as geo_router
from khuyencong.catalog.api import router as catalog_router

from . import errors
from .auth import AUTH
from .idempotency import idempotent
from .openapi import document_errors


class KhuyencongAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = KhuyencongAPI(
    title="khuyencong API",
    version="1",
    description=str(
        _("HTTP API of the khuyến công management system. Errors are JSON with a stable `code`.")
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_decorator(idempotent, mode="view")
api.add_router("/", geo_router)
api.add_router("/", accounts_router)
api.add_router("/", catalog_router)
api.add_router("/", "khuyencong.establishments.api.router")
api.add_router("/", "khuyencong.plans.api.router")
api.add_router("/", "khuyencong.projects.api.router")
api.add_router("/", "khuyencong.finance.api.router")
api.add_router("/", "khuyencong.events.api.router")
api.add_router("/", "khuyencong.reporting.api.router")
api.add_router("/", "khuyencong.reporting.submissions.api.router")
api.add_router("/", "khuyencong.api.imports.router")
