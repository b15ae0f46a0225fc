"""Dataset readers and writers: byte-exact offsets on fixture files (CRLF, BOM) and on the real data."""

from __future__ import annotations

from pathlib import Path

from narrascope.datasets import ptc, semeval2023, semeval2025

FIXTURES = Path(__file__).parent / "fixtures"


# --- SemEval-2025 ------------------------------------------------------------------------------


def test_semeval2025_training_layout_reads_crlf_and_inclusive_ends() -> None:
    split = semeval2025.find_split(FIXTURES / "semeval2025", "EN", "train")
    docs = split.documents()
    assert sorted(docs) == [
        "EN_CC_900003.txt",
        "EN_CC_900004.txt",
        "EN_UA_900001.txt",
        "EN_UA_900002.txt",
    ]
    assert "\r\n" in docs["EN_UA_900001.txt"]  # carriage returns kept
    assert docs["EN_UA_900002.txt"].startswith(
        "\ufeff"
    )  # the byte-order mark counts as a character
    mentions = split.gold_subtask1()
    assert len(mentions) == 5
    for m in mentions:
        assert docs[m.doc_id][m.start : m.end_exclusive] == m.mention
    kyiv = next(m for m in mentions if m.mention == "Kyiv")
    assert kyiv.main_role == "Antagonist" and kyiv.fine_roles == ("Instigator", "Conspirator")


def test_semeval2025_subtask2_and_3() -> None:
    split = semeval2025.find_split(FIXTURES / "semeval2025", "EN", "train")
    gold = split.gold_subtask2()
    assert gold["EN_CC_900004.txt"].narratives == ("Other",)
    assert (
        gold["EN_UA_900002.txt"].subnarratives[1]
        == "URW: Discrediting Ukraine: Situation in Ukraine is hopeless"
    )
    explanations = split.gold_subtask3()
    assert explanations["EN_UA_900002.txt"].subnarrative is None
    assert explanations["EN_UA_900001.txt"].explanation.startswith("The article reports")


def test_semeval2025_dev_layout_uses_subtask_folders() -> None:
    split = semeval2025.find_split(FIXTURES / "semeval2025", "EN", "dev")
    assert set(split.document_dirs) == {1, 2}
    assert len(split.documents(1)) == 2 and len(split.documents(2)) == 4
    inputs = split.subtask1_inputs()
    assert inputs and all(m.main_role is None for m in inputs)
    assert [m.key for m in inputs] == [m.key for m in split.gold_subtask1()]


def test_semeval2025_taxonomy_parents() -> None:
    tax = semeval2025.read_taxonomy(FIXTURES / "semeval2025")
    assert "Other" in tax.narratives and "Other" in tax.subnarratives
    for sub in tax.subnarratives:
        assert tax.parent(sub) in tax.narratives


def test_semeval2025_writers_round_trip(tmp_path: Path) -> None:
    split = semeval2025.find_split(FIXTURES / "semeval2025", "EN", "train")
    gold1 = split.gold_subtask1()
    assert semeval2025.read_subtask1(semeval2025.write_subtask1(tmp_path / "1.txt", gold1)) == gold1
    gold2 = split.gold_subtask2()
    assert semeval2025.read_subtask2(semeval2025.write_subtask2(tmp_path / "2.txt", gold2)) == gold2
    empty = semeval2025.NarrativeAnnotation("x.txt", (), ())
    semeval2025.write_subtask2(tmp_path / "e.txt", [empty])
    assert (tmp_path / "e.txt").read_text() == "x.txt\tOther\tOther\n"
    pred = {"a.txt": semeval2025.ExplanationAnnotation("a.txt", None, None, "two\nlines\there")}
    semeval2025.write_subtask3(tmp_path / "3.txt", pred)
    assert semeval2025.read_subtask3(tmp_path / "3.txt")["a.txt"].explanation == "two lines here"


def test_semeval2025_real_data_offsets(shared_data: Path) -> None:
    root = shared_data / "semeval2025t10"
    split = semeval2025.find_split(root, "EN", "train_oct16")
    docs = split.documents()
    mentions = split.gold_subtask1()
    matches = sum(docs[m.doc_id][m.start : m.end_exclusive] == m.mention for m in mentions)
    assert (
        len(mentions) > 400 and matches / len(mentions) > 0.95
    )  # a few organiser offsets are off by one
    ru = semeval2025.find_split(root, "RU", "train_dec4")  # BOM-prefixed documents
    ru_docs = ru.documents()
    assert all(
        ru_docs[m.doc_id][m.start : m.end_exclusive] == m.mention for m in ru.gold_subtask1()
    )
    dec4 = semeval2025.find_split(root, "EN", "train_dec4")
    assert len(dec4.gold_subtask2()) == len(dec4.documents()) == 399
    tax = semeval2025.read_taxonomy(root)
    assert len(tax.narratives) + len(tax.subnarratives) >= 94
    assert semeval2025.find_split(root, "EN", "test").mentions is not None


# --- SemEval-2023 ------------------------------------------------------------------------------


def test_semeval2023_lines_count_blank_lines_and_keep_crlf() -> None:
    text = "Title\r\n\r\nFirst.\r\n \r\nSecond\n"
    found = semeval2023.lines(text)
    assert [line.number for line in found] == [1, 3, 5]
    assert [text[line.start : line.end] for line in found] == ["Title", "First.", "Second"]


def test_semeval2023_split_files() -> None:
    split = semeval2023.find_split(FIXTURES / "semeval2023" / "en", "dev")
    assert set(split.articles_dirs) == {1, 2, 3} and split.template and split.spans
    articles = split.articles(3)
    assert sorted(articles) == ["7001", "7002", "7003"]
    assert semeval2023.read_genres(split.labels[1]) == {
        "7001": "reporting",
        "7002": "opinion",
        "7003": "satire",
    }
    frames = semeval2023.read_frames(split.labels[2])
    assert frames["7003"] == () and frames["7001"] == ("Security_and_defense", "Political")
    labels = semeval2023.read_paragraph_labels(split.labels[3])
    assert (
        labels[("7001", 4)] == ("Loaded_Language", "Name_Calling-Labeling")
        and labels[("7001", 1)] == ()
    )
    template = semeval2023.read_template(split.template)
    assert [(a, n) for a, n, _ in template] == sorted(labels, key=lambda k: (k[0], k[1]))
    assert semeval2023.template_from_articles(articles) == template
    for span in semeval2023.read_span_labels(split.spans):
        assert span.technique in semeval2023.TECHNIQUES
        assert 0 <= span.start < span.end <= len(articles[span.article_id])


def test_semeval2023_writers_round_trip(tmp_path: Path) -> None:
    labels = {("1", 1): ("Doubt",), ("1", 3): ()}
    semeval2023.write_paragraph_labels(tmp_path / "p.txt", labels)
    assert semeval2023.read_paragraph_labels(tmp_path / "p.txt") == labels
    semeval2023.write_frames(tmp_path / "f.txt", {"1": ["Economic", "Political"]})
    assert semeval2023.read_frames(tmp_path / "f.txt") == {"1": ("Economic", "Political")}


# --- PTC ---------------------------------------------------------------------------------------


def test_ptc_fixture_split() -> None:
    split = ptc.find_split(FIXTURES / "ptc", "dev")
    articles = split.articles()
    assert sorted(articles) == ["990001", "990002"]
    assert "\r\n" in articles["990002"]
    spans = split.gold_techniques()
    assert len(spans) == 4 and len(split.gold_spans()) == 4
    assert articles["990001"][spans[0].start : spans[0].end] == "reckless"
    assert all(s.technique == "?" for s in split.tc_inputs())


def test_ptc_writers_round_trip(tmp_path: Path) -> None:
    spans = [ptc.TechniqueSpan("1", "Doubt", 3, 9)]
    assert ptc.read_technique_spans(ptc.write_technique_spans(tmp_path / "tc.txt", spans)) == spans
    si = [ptc.SpanLabel("1", 3, 9)]
    assert ptc.read_spans(ptc.write_spans(tmp_path / "si.txt", si)) == si


def test_ptc_real_data(shared_data: Path) -> None:
    split = ptc.find_split(shared_data / "ptc2020", "train")
    articles = split.articles()
    spans = split.gold_techniques()
    assert len(articles) == 371 and len(spans) > 6000
    assert {s.technique for s in spans} <= set(ptc.TECHNIQUES)
    assert all(0 <= s.start < s.end <= len(articles[s.article_id]) for s in spans)
    test = ptc.find_split(shared_data / "ptc2020", "test")
    assert test.tc_template is not None and not test.gold_spans()
