"""Typed limits for the API's inputs, checked by the schema before anything reads them (a year that
`datetime.date` cannot hold, a number past 64 bits, a date no record of the programme can bear):
422 `invalid_input` with the field named. The pages' forms hold dates to the same bounds
(`core.forms.VnDateField`)."""

import datetime as dt
from typing import Annotated

from pydantic import Field

YEAR_MIN, YEAR_MAX = 1990, 2100
BIGINT_MAX = 2**63 - 1
DATE_MIN, DATE_MAX = dt.date(YEAR_MIN, 1, 1), dt.date(YEAR_MAX, 12, 31)

Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description=f"a year, {YEAR_MIN}–{YEAR_MAX}")]
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
Date = Annotated[
    dt.date,
    Field(ge=DATE_MIN, le=DATE_MAX, description=f"a date (yyyy-mm-dd), years {YEAR_MIN}–{YEAR_MAX}"),
]
