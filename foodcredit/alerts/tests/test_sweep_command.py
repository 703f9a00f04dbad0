"""`alerts_sweep --as-of DATE --export FILE.csv`: raises, is idempotent, exports the open alerts."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from foodcredit.alerts.models import Alert
from foodcredit.credit.tests.factories import complaint_add, make_uscc, operator_register, sampling_add

AS_OF = date(2026, 11, 20)


def test_alerts_sweep_command_raises_once_and_exports(db, station, tmp_path):
    operator = operator_register(uscc=make_uscc(501), street="观音桥街道")
    for d in range(4):
        complaint_add(operator, on=AS_OF - timedelta(days=d))
    sampling_add(operator, on=AS_OF - timedelta(days=90), conclusion="fail", failure_kind="microbial")
    sampling_add(operator, on=AS_OF - timedelta(days=10), conclusion="fail", failure_kind="microbial")
    for n in range(5):
        operator_register(uscc=make_uscc(600 + n), address="重庆市江北区建新北路88号", registered_on=AS_OF)
    export = tmp_path / "alerts.csv"
    out = io.StringIO()
    call_command("alerts_sweep", "--as-of", AS_OF.isoformat(), "--export", str(export), stdout=out)
    call_command("alerts_sweep", "--as-of", AS_OF.isoformat(), stdout=io.StringIO())
    assert "3 alerts raised" in out.getvalue()
    assert Alert.objects.count() == 3
    with export.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["统一社会信用代码", "所属街道", "detector", "raised_on", "level"]
    by_detector = {r["detector"]: r for r in rows}
    assert by_detector["sampling_repeated"]["统一社会信用代码"] == operator.uscc
    assert by_detector["complaint_surge_operator"]["统一社会信用代码"] == operator.uscc
    assert by_detector["registration_address"]["统一社会信用代码"] == ""
    assert {r["raised_on"] for r in rows} == {"2026-11-20"}


def test_alerts_sweep_refuses_a_bad_parameter_file(db, settings, tmp_path):
    from foodcredit.alerts.detectors import PARAMS_FILE, params_load

    bad = tmp_path / "params.yaml"
    bad.write_text(PARAMS_FILE.read_text(encoding="utf-8").replace("alpha: 0.05", "alpha: 5"), encoding="utf-8")
    settings.ALERTS_PARAMS_FILE = str(bad)
    params_load.cache_clear()
    try:
        with pytest.raises(CommandError, match=r"complaint_surge_street\.alpha：须在 0\.0001 与 0\.5 之间，实为 5"):
            call_command("alerts_sweep", "--as-of", AS_OF.isoformat(), stdout=io.StringIO())
    finally:
        params_load.cache_clear()
    assert not Alert.objects.exists()
