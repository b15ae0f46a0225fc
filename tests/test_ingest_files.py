"""Ingestion from local inputs: text files, folders, JSONL/CSV, HTML files, stdin, bad input."""

from __future__ import annotations

import gzip
import io
import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest

from narrascope.document import Document, Failure
from narrascope.ingest import IngestOptions, iter_documents
from narrascope.ingest.sources import stdin_documents

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

ARTICLE = (
    "Ministers meet over the river dispute\n"
    "\n"
    "Foreign ministers of the two upstream states met in the capital on Monday.\n"
    "They agreed to share water-flow data every week, a joint statement said.\n"
)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def read_all(inputs: list[str], **options: object) -> list[Document | Failure]:
    return list(iter_documents(inputs, IngestOptions(**options)))


def only_document(results: list[Document | Failure]) -> Document:
    assert len(results) == 1 and isinstance(results[0], Document), results
    return results[0]


def only_failure(results: list[Document | Failure]) -> Failure:
    assert len(results) == 1 and isinstance(results[0], Failure), results
    return results[0]


# --- text files -------------------------------------------------------------------------


def test_text_file_keeps_whole_text_and_uses_file_name_as_id(tmp_path: Path) -> None:
    path = write(tmp_path / "EN_UA_001.txt", ARTICLE)
    doc = only_document(read_all([str(path)]))
    assert doc.id == "EN_UA_001.txt"
    assert doc.text == ARTICLE
    assert doc.title == "Ministers meet over the river dispute"
    assert doc.meta["input"] == str(path)
    assert doc.warnings == []
    assert doc.content_hash


def test_crlf_text_is_normalised_to_lf(tmp_path: Path) -> None:
    crlf = ARTICLE.replace("\n", "\r\n")
    path = write(tmp_path / "crlf.txt", crlf.encode("utf-8"))
    doc = only_document(read_all([str(path)]))
    assert doc.text == ARTICLE  # offsets count into the stored text, as for any input
    start = ARTICLE.index("They agreed")
    assert doc.text[start : start + 11] == "They agreed"
    assert doc.title == "Ministers meet over the river dispute"


def test_byte_order_mark_is_kept_in_text_but_not_in_title(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    doc = only_document(read_all([str(path)]))
    assert doc.text == "\ufeff" + ARTICLE
    assert doc.title == "Ministers meet over the river dispute"


def test_invalid_utf8_is_replaced_with_a_warning_not_a_failure(tmp_path: Path) -> None:
    path = write(
        tmp_path / "latin1.txt",
        "Talks in Zürich\n\nThe delegations met in Zürich.\n".encode("latin-1"),
    )
    doc = only_document(read_all([str(path)]))
    assert "\ufffd" in doc.text
    assert doc.text.startswith("Talks in Z\ufffdrich")
    assert len(doc.warnings) == 1 and "invalid UTF-8" in doc.warnings[0]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"Title\n\nsome text\x00\x00\x01\x02 more", "NUL bytes"),
    ],
)
def test_binary_file_is_a_failure(tmp_path: Path, content: bytes, expected: str) -> None:
    path = write(tmp_path / "file.txt", content)
    failure = only_failure(read_all([str(path)]))
    assert failure.input == str(path)
    assert "binary file" in failure.reason and expected in failure.reason


def test_empty_and_blank_files_are_failures(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.txt", "")
    blank = write(tmp_path / "blank.txt", " \n\n\t\n")
    results = read_all([str(empty), str(blank)])
    assert [type(r) for r in results] == [Failure, Failure]
    assert all(r.reason == "empty text" for r in results)


def test_text_over_max_chars_is_a_failure(tmp_path: Path) -> None:
    path = write(tmp_path / "long.txt", ARTICLE * 10)
    failure = only_failure(read_all([str(path)], max_chars=100))
    assert "max_chars" in failure.reason and "100" in failure.reason
    # far over the limit: refused from the file size, before reading it
    failure = only_failure(read_all([str(path)], max_chars=10))
    assert "bytes" in failure.reason and "max_chars" in failure.reason
    assert isinstance(read_all([str(path)], max_chars=len(ARTICLE) * 10)[0], Document)


def test_missing_path_fails_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", ARTICLE)
    results = read_all([str(tmp_path / "nope.txt"), str(good)])
    assert isinstance(results[0], Failure)
    assert results[0].input == str(tmp_path / "nope.txt")
    assert results[0].reason == "no such file or directory"
    assert isinstance(results[1], Document) and results[1].id == "good.txt"


def test_reasons_are_one_line(tmp_path: Path) -> None:
    write(tmp_path / "bad.jsonl", '{"text": \n')
    results = read_all(
        [str(tmp_path / "bad.jsonl"), str(tmp_path / "missing"), str(FIXTURES / "malformed.rss")]
    )
    assert all(isinstance(r, Failure) and "\n" not in r.reason for r in results)


# --- folders ------------------------------------------------------------------------------


def test_directory_is_recursive_sorted_filtered_with_relative_ids(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", ARTICLE)
    write(tmp_path / "a.txt", ARTICLE.replace("Monday", "Tuesday"))
    write(tmp_path / "sub" / "c.txt", ARTICLE.replace("Monday", "Friday"))
    write(tmp_path / "notes.md", "# not an article by the glob\n")
    write(tmp_path / ".hidden" / "d.txt", ARTICLE)
    results = read_all([str(tmp_path)])
    assert [r.id for r in results] == ["a.txt", "b.txt", "sub/c.txt"]
    assert results[2].meta["input"] == str(tmp_path / "sub" / "c.txt")

    only_sub = read_all([str(tmp_path)], glob="sub/*.txt")
    assert [r.id for r in only_sub] == ["sub/c.txt"]
    markdown = read_all([str(tmp_path)], glob=["*.md"])
    assert [r.id for r in markdown] == ["notes.md"]


def test_directory_failure_in_one_file_does_not_stop_the_rest(tmp_path: Path) -> None:
    write(tmp_path / "1.txt", ARTICLE)
    write(tmp_path / "2.txt", b"\x00\x01\x02binary")
    write(tmp_path / "3.txt", ARTICLE.replace("Monday", "Sunday"))
    results = read_all([str(tmp_path)])
    assert [type(r).__name__ for r in results] == ["Document", "Failure", "Document"]
    assert results[1].input == str(tmp_path / "2.txt")


def test_directory_skips_special_files(tmp_path: Path) -> None:
    write(tmp_path / "real.txt", ARTICLE)
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block
    assert [r.id for r in read_all([str(tmp_path)])] == ["real.txt"]
    failure = only_failure(read_all([str(tmp_path / "pipe.txt")]))
    assert failure.reason == "not a regular file"


def test_folder_with_no_articles_is_a_failure(tmp_path: Path) -> None:
    write(tmp_path / "image.png", b"\x89PNG\r\n")
    failure = only_failure(read_all([str(tmp_path)]))
    assert failure.input == str(tmp_path)
    assert "no articles" in failure.reason


def test_a_single_string_input_is_one_input(tmp_path: Path) -> None:
    path = write(tmp_path / "one.txt", ARTICLE)
    assert [d.id for d in iter_documents(str(path))] == ["one.txt"]  # type: ignore[arg-type]


def test_iter_documents_streams(tmp_path: Path) -> None:
    for i in range(3):
        write(tmp_path / f"{i}.txt", ARTICLE + str(i))
    stream = iter_documents([str(tmp_path)])
    assert not isinstance(stream, list)
    assert next(stream).id == "0.txt"


# --- JSONL and CSV ------------------------------------------------------------------------


def test_jsonl_records_with_fields_and_failures(tmp_path: Path) -> None:
    lines = [
        {
            "id": "r1",
            "title": "Envoys return",
            "text": "The envoys returned home.",
            "date": "2024-05-01",
            "source": "Daily Wire Service",
            "url": "https://news.example/r1",
            "language": "EN",
        },
        {"text": "A record without title or id.", "published": "Tue, 07 May 2024 10:00:00 GMT"},
        {"title": "No body here"},
        [1, 2, 3],
    ]
    content = "\n".join(json.dumps(line) for line in lines) + "\n\n{broken json\n"
    path = write(tmp_path / "news.jsonl", content)
    results = read_all([str(path)])
    assert [type(r).__name__ for r in results] == [
        "Document",
        "Document",
        "Failure",
        "Failure",
        "Failure",
    ]

    first, second = results[0], results[1]
    assert first.id == "r1"
    assert first.text == "Envoys return\n\nThe envoys returned home."
    assert first.title == "Envoys return"
    assert first.text[first.text.index("envoys") :].startswith("envoys returned")
    assert first.published == date(2024, 5, 1)
    assert first.source == "Daily Wire Service" and first.url == "https://news.example/r1"
    assert first.language is not None and first.language.code == "en"

    assert second.id == "news.jsonl:2"
    assert second.text == "A record without title or id."
    assert isinstance(second.published, datetime) and second.published.day == 7

    assert results[2].input == "news.jsonl:3" and "no text" in results[2].reason
    assert results[3].input == "news.jsonl:4" and "JSON object" in results[3].reason
    assert results[4].input == "news.jsonl:6" and "invalid JSON" in results[4].reason


def test_jsonl_custom_fields_and_bad_bytes(tmp_path: Path) -> None:
    record = b'{"body": "Sanctions were extended by a year.", "headline": "Sanctions extended", "when": "2023"}\n'
    bad = b'{"body": "Caf\xe9 owners protested."}\n'
    path = write(tmp_path / "custom.jsonl", record + bad)
    results = read_all(
        [str(path)], text_field="body", title_field="headline", date_field="when|date"
    )
    first, second = results
    assert first.text == "Sanctions extended\n\nSanctions were extended by a year."
    assert first.published is None and any("unparseable date" in w for w in first.warnings)
    assert "\ufffd" in second.text and any("invalid UTF-8" in w for w in second.warnings)


def test_csv_records_with_multiline_fields(tmp_path: Path) -> None:
    content = (
        "id,title,text,date\r\n"
        'c1,Border reopens,"The border crossing reopened.\r\nTraffic was light.",2024-06-02\r\n'
        ",,,\r\n"
        'c3,Talks resume,"Negotiators met again, officials said.",\r\n'
    )
    path = write(tmp_path / "articles.csv", content)
    results = read_all([str(path)])
    assert [type(r).__name__ for r in results] == ["Document", "Failure", "Document"]
    assert results[0].id == "c1"
    assert results[0].text == "Border reopens\n\nThe border crossing reopened.\nTraffic was light."
    assert results[0].published == date(2024, 6, 2)
    assert results[1].input == "articles.csv:4"
    assert results[2].text == "Talks resume\n\nNegotiators met again, officials said."


def test_csv_with_byte_order_mark_and_tsv(tmp_path: Path) -> None:
    csv_path = write(tmp_path / "bom.csv", b"\xef\xbb\xbfid,text\nk1,A report from the coast.\n")
    tsv_path = write(
        tmp_path / "rows.tsv", "id\ttitle\ttext\nt1\tTalks\tThe talks went on, with pauses.\n"
    )
    [from_csv] = read_all([str(csv_path)])
    [from_tsv] = read_all([str(tsv_path)])
    assert from_csv.id == "k1" and from_csv.text == "A report from the coast."
    assert from_tsv.id == "t1" and from_tsv.text == "Talks\n\nThe talks went on, with pauses."


def test_gzipped_records_are_streamed(tmp_path: Path) -> None:
    records = "".join(
        json.dumps({"id": f"g{i}", "text": f"Dispatch number {i} from the front."}) + "\n"
        for i in range(3)
    )
    jsonl = write(tmp_path / "batch.jsonl.gz", gzip.compress(records.encode("utf-8")))
    table = write(tmp_path / "batch.csv.gz", gzip.compress(b"id,text\nz1,A convoy was delayed.\n"))
    results = read_all([str(tmp_path)])
    assert [r.id for r in results] == ["z1", "g0", "g1", "g2"]
    assert results[1].text == "Dispatch number 0 from the front."
    assert results[1].meta["input"] == "batch.jsonl.gz:1" and jsonl.exists() and table.exists()


def test_corrupt_or_truncated_gzip_is_a_failure(tmp_path: Path) -> None:
    whole = gzip.compress(b'{"text": "one"}\n' * 2000)
    corrupt = write(
        tmp_path / "corrupt.jsonl.gz", b"\x1f\x8b\x08\x00 this is not deflate data at all"
    )
    truncated = write(tmp_path / "truncated.jsonl.gz", whole[: len(whole) // 2])
    [bad] = read_all([str(corrupt)])
    assert isinstance(bad, Failure) and "gzip" in bad.reason
    results = read_all([str(truncated)])
    assert isinstance(results[-1], Failure) and results[-1].input == str(truncated)
    assert "corrupt gzip" in results[-1].reason
    assert all(isinstance(r, Document) for r in results[:-1])


def test_csv_without_id_uses_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "plain.csv", "text\nFirst short report.\nSecond short report.\n")
    results = read_all([str(path)])
    assert [r.id for r in results] == ["plain.csv:2", "plain.csv:3"]


# --- HTML files ---------------------------------------------------------------------------


def test_html_file_main_text_without_scripts() -> None:
    doc = only_document(read_all([str(FIXTURES / "article.html")]))
    assert doc.id == "article.html"
    assert doc.title == "Coastal states agree on joint patrols"
    assert doc.text.startswith(
        "Coastal states agree on joint patrols\n\nThree coastal states signed"
    )
    assert "shared command post" in doc.text
    assert doc.source == "The Harbour Ledger"
    assert doc.published == date(2025, 2, 14)
    for marker in (
        "SCRIPT-IN-HEAD",
        "SCRIPT-IN-BODY",
        "NOSCRIPT",
        "document.write",
        "<script",
        "Copyright",
    ):
        assert marker not in doc.text
    assert doc.check_offsets() == []


def test_feed_file_without_fetching_uses_entry_text() -> None:
    results = read_all([str(FIXTURES / "feed.rss")], fetch_feed_entries=False)
    assert len(results) == 3 and all(isinstance(r, Document) for r in results)
    first = results[0]
    assert first.id == "{base}/article.html"
    assert (
        first.text
        == "Coastal states agree on joint patrols\n\nThree coastal states will patrol the strait together."
    )
    assert first.source == "Harbour Ledger World"
    assert first.published == datetime.fromisoformat("2025-02-14T09:30:00+00:00")
    assert (
        "FEED-SCRIPT" not in results[2].text and "Monitors reported no shelling" in results[2].text
    )
    assert (
        len(read_all([str(FIXTURES / "feed.rss")], fetch_feed_entries=False, max_feed_entries=2))
        == 2
    )


def test_malformed_feed_file_is_a_failure() -> None:
    failure = only_failure(read_all([str(FIXTURES / "malformed.rss")]))
    assert failure.input.endswith("malformed.rss")
    assert failure.reason.startswith("malformed feed")


# --- stdin --------------------------------------------------------------------------------


def test_stdin_text_html_and_jsonl() -> None:
    options = IngestOptions()
    doc = only_document(list(stdin_documents(io.BytesIO(ARTICLE.encode()), options)))
    assert doc.text == ARTICLE and doc.id.startswith("stdin:") and doc.meta["input"] == "-"

    html = (FIXTURES / "second.html").read_bytes()
    page = only_document(list(stdin_documents(io.BytesIO(html), options)))
    assert page.title == "Grain convoy reaches the port after delays"

    records = list(stdin_documents(io.BytesIO(b'{"text": "one"}\n{"text": "two"}\n'), options))
    assert [r.text for r in records] == ["one", "two"]


def test_dash_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdin:
        buffer = io.BytesIO(ARTICLE.encode("utf-8"))

    monkeypatch.setattr("sys.stdin", FakeStdin())
    doc = only_document(read_all(["-"]))
    assert doc.text == ARTICLE


def test_options_accept_strings_for_lists() -> None:
    options = IngestOptions(glob="*.txt,*.md", date_field="when|date")
    assert options.glob == ["*.txt", "*.md"]
    assert options.date_field == ["when", "date"]
    with pytest.raises(ValueError):
        IngestOptions(max_chars=0)


# --- the SemEval layout -------------------------------------------------------------------


def test_semeval_raw_documents_read_exactly_as_the_dataset(shared_data: Path) -> None:
    folder = shared_data / "semeval2025t10" / "EN" / "train_dec4" / "raw-documents"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    paths = sorted(folder.glob("*.txt"))[:40]
    docs = read_all([str(p) for p in paths])
    for path, doc in zip(paths, docs, strict=True):
        assert isinstance(doc, Document), doc
        assert doc.id == path.name
        with path.open(encoding="utf-8", newline="") as handle:
            assert doc.text == handle.read()
