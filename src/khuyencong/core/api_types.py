"""Typed limits for the API's inputs, checked by the schema before anything reads them (a year that
`datetime.date` cannot hold, a number past 64 bits): 422 `invalid_input` with the field named."""

from typing import Annotated

from pydantic import Field

YEAR_MIN, YEAR_MAX = 1990, 2100
BIGINT_MAX = 2**63 - 1

Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description=f"a year, {YEAR_MIN}–{YEAR_MAX}")]
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
