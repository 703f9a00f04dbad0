"""A classification judged against outcomes someone else recorded: AUC and days earlier as the labels define them."""

import io

import polars as pl
from django.core.management import call_command

from foodcredit.risk.management.commands.risk_evaluate_labels import days_earlier, evaluate

USCC = "统一社会信用代码"


def _labels():
    return pl.DataFrame(
        {
            USCC: ["a", "b", "c", "d"],
            "first_inspection_after_T": pl.Series(
                ["2015-01-10", "2015-02-10", "2015-03-10", "2015-04-10"]
            ).str.to_date(),
            "critical_found_after_T": [0, 0, 1, 1],
        }
    )


def test_days_earlier_hands_the_dates_out_by_score():
    frame = _labels().with_columns(score=pl.Series([0.1, 0.2, 0.9, 0.8]))
    # c gets Jan 10 (59 days sooner), d gets Feb 10 (59 days sooner)
    assert days_earlier(frame) == 59.0
    # the actual order scores 0; the reverse order brings the findings later
    assert days_earlier(frame.with_columns(score=pl.Series([4.0, 3.0, 2.0, 1.0]))) == 0.0
    early = frame.with_columns(critical_found_after_T=pl.Series([1, 1, 0, 0]), score=pl.Series([1.0, 2.0, 3.0, 4.0]))
    assert days_earlier(early) == -59.0  # a: Apr 10 instead of Jan 10, b: Mar 10 instead of Feb 10


def test_command_reads_an_export_with_its_bom(tmp_path):
    labels = tmp_path / "labels.csv"
    _labels().write_csv(labels)
    scores = tmp_path / "classes.csv"
    scores.write_text(
        "\ufeff统一社会信用代码,class,score,model_version\na,A,1,m\nb,A,2,m\nc,D,9,m\nd,C,8,m\n", encoding="utf-8"
    )
    out = io.StringIO()
    call_command("risk_evaluate_labels", "--labels", str(labels), "--scores", str(scores), stdout=out)
    assert "auc: 1.0" in out.getvalue() and "days_earlier: 59.0" in out.getvalue()
    result = evaluate(_labels(), pl.DataFrame({USCC: ["a", "b", "c"], "score": [3.0, 2.0, 1.0]}))
    assert result["scored"] == 3 and result["auc"] == 0.0
