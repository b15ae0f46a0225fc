from narrascope.text.segment import paragraphs, segment


def test_paragraphs_are_non_blank_lines_with_offsets():
    text = "Title here\n\n  First paragraph.  \r\nSecond one.\n"
    paras = paragraphs(text)
    assert [text[p.start : p.end] for p in paras] == [
        "Title here",
        "First paragraph.",
        "Second one.",
    ]


def test_sentences_split_like_the_guideline():
    text = (
        'He added.Graham said no. Mr. Smith met U.S. officials on Jan. 5. "Stop!" he said. The end'
    )
    _, sents = segment(text)
    assert [text[s.start : s.end] for s in sents] == [
        "He added.",
        "Graham said no.",
        "Mr. Smith met U.S. officials on Jan. 5.",
        '"Stop!" he said.',
        "The end",
    ]


def test_sentences_never_cross_lines_and_know_their_paragraph():
    text = "A title\n\nOne. Two\nThree."
    _, sents = segment(text)
    assert [(text[s.start : s.end], s.paragraph) for s in sents] == [
        ("A title", 0),
        ("One.", 1),
        ("Two", 1),
        ("Three.", 2),
    ]
