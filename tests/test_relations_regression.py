"""The relation scorer and the project's regression set."""

from __future__ import annotations

from narrascope.evaluation.relations_regression import (
    Record,
    default_set,
    evaluate,
    load_expected,
    run,
)


def rec(
    source, type_, target, start=0, end=50, modality="asserted", doc="d.txt", obj="", attribution=""
):
    return Record(doc, source, type_, target, start, end, obj, modality, attribution)


def test_symmetric_types_match_either_direction():
    gold = [rec("RUS", "negotiates", "IRN"), rec("PRK", "supplies_weapons", "RUS")]
    pred = [rec("IRN", "negotiates", "RUS"), rec("RUS", "supplies_weapons", "PRK")]
    result = evaluate(pred, gold)
    assert (result.overall.tp, result.overall.fp, result.overall.fn) == (1, 1, 1)
    assert result.by_type["negotiates"].f1 == 1.0 and result.by_type["supplies_weapons"].f1 == 0.0


def test_sentence_overlap_tolerance_and_agreement():
    gold = [
        rec(
            "USA",
            "supplies_weapons",
            "UKR",
            10,
            60,
            "reported",
            obj="cluster munitions",
            attribution="Pentagon",
        )
    ]
    shifted = [rec("USA", "supplies_weapons", "UKR", 12, 58, "asserted", obj="cluster munitions")]
    elsewhere = [rec("USA", "supplies_weapons", "UKR", 70, 90)]
    result = evaluate(shifted, gold)
    assert (
        result.overall.tp == 1
        and result.modality_agreement == 0.0
        and result.object_agreement == 1.0
    )
    assert result.attribution_agreement == 0.0
    assert evaluate(elsewhere, gold).overall.tp == 0


def test_same_triple_with_two_modalities_counts_once():
    gold = [
        rec("UKR", "attacks", "RUS", modality="alleged"),
        rec("UKR", "attacks", "RUS", modality="denied"),
    ]
    pred = [rec("UKR", "attacks", "RUS", modality="alleged")]
    result = evaluate(pred, gold)
    assert result.overall.precision == 1.0 and result.overall.recall == 1.0
    assert result.modality_agreement == 0.5


def test_regression_set_is_consistent():
    texts, expected = load_expected(default_set())
    assert len(texts) >= 10 and len(expected) >= 40
    types = {r.type for r in expected}
    assert len(types) == 10
    assert {"denied", "reported", "called_for", "alleged", "hypothetical", "planned"} <= {
        r.modality for r in expected
    }
    for r in expected:
        assert texts[r.doc][r.start : r.end].strip()


def test_regression_scores_do_not_drop():
    result = run()
    # measured 0.969 / 0.705 on the shared parse (docs/relations.md); keep a margin for parser noise
    assert result.overall.precision >= 0.85
    assert result.overall.recall >= 0.6


def test_evaluate_command_on_gold_records(tmp_path, capsys):
    import json

    from narrascope.evaluation.relations_gold import main

    text = "Iran Ships Drones\n\nIran has delivered Shahed drones to Russia, officials said.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    sentence = "Iran has delivered Shahed drones to Russia, officials said."
    start = text.index(sentence)
    gold = tmp_path / "gold.jsonl"
    records = [
        {
            "doc_id": "a.txt",
            "source": "IRN",
            "type": "supplies_weapons",
            "target": "RUS",
            "object": "Shahed drones",
            "modality": "reported",
            "attribution": "officials",
            "start": start,
            "end": start + len(sentence),
            "sentence": sentence,
            "note": "",
        },
        {
            "doc_id": "a.txt",
            "source": "IRN",
            "type": "attacks",
            "target": "UKR",
            "object": "",
            "modality": "asserted",
            "attribution": "",
            "start": start,
            "end": start + len(sentence),
            "sentence": sentence,
            "note": "implicit: test",
        },
    ]
    gold.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    main(["--gold", str(gold), "--texts", str(tmp_path), "--sentence-local", "--json"])
    scores = json.loads(capsys.readouterr().out)
    assert scores["overall"]["tp"] == 1 and scores["overall"]["fn"] == 0
    assert scores["modality_agreement"] == 1.0
