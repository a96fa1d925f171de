from tests.api.conftest import api, tokens  # noqa: F401
from tests.reports.conftest import obligation, quarterly  # noqa: F401
