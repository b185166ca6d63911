from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "extracts"
EXTRACTS = {"2011": DATA / "russia_2011_extract.csv", "2018": DATA / "russia_2018_extract.csv"}


@pytest.fixture
def extract_2018() -> Path:
    return EXTRACTS["2018"]


SIMPLE_HEADER = "area,station,registered,issued_early,issued_today,valid,invalid,A,B\n"


@pytest.fixture
def simple_csv(tmp_path):
    """Write a small results file with generic column names; return its path."""

    def write(body: str, header: str = SIMPLE_HEADER, name: str = "results.csv") -> Path:
        path = tmp_path / name
        path.write_text(header + body, encoding="utf-8")
        return path

    return write


SIMPLE_MAPPING = {
    "registered": "registered",
    "given": ["issued_early", "issued_today"],
    "valid": "valid",
    "invalid": "invalid",
    "options": ["A", "B"],
    "areas": ["area"],
    "station": "station",
}
