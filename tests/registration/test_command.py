"""`manage.py rod_export`: the same export from the command line, for scheduled use."""

import io

import pytest
from django.core.management import CommandError, call_command

from registration.models import BatchState, ExportBatch
from schools.models import Pupil

from .helpers import deliver


def _run(*args) -> str:
    out = io.StringIO()
    call_command("rod_export", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_both_files_and_prints_one_summary_line(rod, tmp_path):
    rod.period()
    bad = rod.period()
    Pupil.objects.filter(pk=bad.pupil_id).update(bsn="123456789")
    output = _run("--board", rod.board.number, "--output", str(tmp_path / "uit"))
    lines = output.strip().splitlines()
    assert len(lines) == 1 and "1 geëxporteerd, 1 tegengehouden" in lines[0]
    files = sorted(p.name for p in (tmp_path / "uit").iterdir())
    assert [f.rsplit(".", 1)[1] for f in files] == ["csv", "xml"]
    batch = ExportBatch.objects.get()
    assert batch.state == BatchState.READY and batch.created_by is None
    with batch.csv_file.open("rb") as fh:
        assert (tmp_path / "uit" / files[0]).read_bytes() == fh.read()


def test_the_command_exports_changes_since_the_last_delivery_or_everything_with_full(rod, tmp_path):
    rod.period()
    _run("--board", rod.board.number, "--output", str(tmp_path))
    deliver(rod, ExportBatch.objects.get())
    assert "0 geëxporteerd" in _run("--board", rod.board.number, "--output", str(tmp_path))
    assert "1 geëxporteerd" in _run("--board", rod.board.number, "--full", "--output", str(tmp_path))


def test_the_command_exports_one_school_by_brin_and_vestiging(rod, tmp_path):
    rod.period()
    vo = rod.school_of("vo")
    rod.period(school=vo)
    assert "1 geëxporteerd" in _run("--board", rod.board.number, "--school", vo.code, "--output", str(tmp_path))
    assert ExportBatch.objects.get().school == vo


@pytest.mark.parametrize("args, message", [
    (["--board", "12"], "vijf cijfers"),
    (["--board", "00000"], "bestaat niet"),
    (["--school", "XX"], "BRIN en vestiging"),
    (["--school", "99ZZ00"], "hoort niet bij bestuur"),
])
def test_bad_arguments_stop_the_command_with_a_dutch_message(rod, tmp_path, args, message):
    base = {"--board": rod.board.number, "--output": str(tmp_path)}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    argv = [x for pair in base.items() for x in pair]
    with pytest.raises(CommandError, match=message):
        _run(*argv)
    assert not ExportBatch.objects.exists()


def test_a_school_that_does_not_register_is_refused_by_the_command(rod, tmp_path):
    sbo = rod.school_of("sbo")
    with pytest.raises(CommandError, match="meldt geen OPP"):
        _run("--board", rod.board.number, "--school", sbo.code, "--output", str(tmp_path))


def test_an_output_that_is_a_file_is_refused(rod, tmp_path):
    target = tmp_path / "bestand"
    target.write_text("x")
    with pytest.raises(CommandError, match="geen map"):
        _run("--board", rod.board.number, "--output", str(target))
