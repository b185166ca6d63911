import csv

from hypothesis import given, settings
from hypothesis import strategies as st

from pollwatch.deployment.sample_csv import read_frame

cell = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@settings(max_examples=100, deadline=None)
@given(
    header=st.lists(
        st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8),
        min_size=1, max_size=5, unique=True,
    ),
    data=st.data(),
)  # fmt: skip
def test_any_csv_written_by_the_csv_module_reads_back_row_for_row(tmp_path_factory, header, data):
    rows = data.draw(
        st.lists(
            st.lists(cell, min_size=len(header), max_size=len(header)).filter(
                lambda row: any(value.strip() for value in row)
            ),
            min_size=1, max_size=6,
        )
    )  # fmt: skip
    path = tmp_path_factory.mktemp("frames") / "frame.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    frame = read_frame(path)
    assert frame.header == tuple(header)
    assert [list(row) for row in frame.rows] == rows
    assert list(frame.lines) == sorted(frame.lines)
