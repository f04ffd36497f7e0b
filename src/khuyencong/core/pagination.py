"""The one pagination of the API's lists: `limit` (1 to MAX_PAGE rows) and `offset` (within 64 bits),
both checked before the database sees them — a bigger page or an offset past 2^63 is a 422, not a
server error or a 3,7 MB answer."""

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

MAX_PAGE = 1000
MAX_OFFSET = 2**63 - 1


class Paginated(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE,
            ge=1,
            le=MAX_PAGE,
            description=f"rows per page, at most {MAX_PAGE}",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_PAGE, **kwargs)
