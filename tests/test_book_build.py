"""The build around Quarto: freshness keys, shared executed results, Quarto lookup."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from book import build, freshness


@pytest.fixture
def project(tmp_path):
    """A minimal project: a package, the lock, _quarto.yml and two chapters, both frozen."""
    (tmp_path / "companion").mkdir()
    (tmp_path / "companion" / "models.py").write_text("X = 1\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "setup.py").write_text("")
    (tmp_path / "requirements.lock").write_text("numpy==2.0\n")
    (tmp_path / "_quarto.yml").write_text("project:\n  type: book\n")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "results.json").write_text("{}")
    (tmp_path / "chapters" / "a.qmd").write_text("# A\n")
    (tmp_path / "chapters" / "b.qmd").write_text("---\ndepends-on: ../results.json\n---\n\n# B\n")
    chapters = [tmp_path / "chapters" / "a.qmd", tmp_path / "chapters" / "b.qmd"]
    freshness.refresh(tmp_path, chapters)
    freeze(tmp_path)
    return tmp_path, chapters


def freeze(root):
    for name in ("a", "b"):
        results = root / "_freeze" / "chapters" / name / "execute-results"
        results.mkdir(parents=True, exist_ok=True)
        (results / "html.json").write_text(json.dumps({"hash": name}))


def frozen(root):
    return sorted(p.name for p in (root / "_freeze" / "chapters").iterdir())


def test_nothing_changed_keeps_every_frozen_chapter(project):
    root, chapters = project
    assert freshness.refresh(root, chapters) == []
    assert frozen(root) == ["a", "b"]


@pytest.mark.parametrize(
    "edit",
    [
        lambda root: (root / "companion" / "models.py").write_text("X = 2\n"),
        lambda root: (root / "companion" / "new.py").write_text(""),
        lambda root: (root / "book" / "setup.py").write_text("import numpy\n"),
        lambda root: (root / "requirements.lock").write_text("numpy==2.1\n"),
        lambda root: (root / "_quarto.yml").write_text("project:\n  type: book\nfig-width: 6\n"),
    ],
    ids=["package", "new-module", "book-setup", "lock", "quarto-yml"],
)
def test_a_shared_input_changed_forgets_every_chapter(project, edit):
    root, chapters = project
    edit(root)
    assert freshness.refresh(root, chapters) == chapters
    assert frozen(root) == []
    freeze(root)  # rendered again: now up to date
    assert freshness.refresh(root, chapters) == []


def test_build_scripts_do_not_invalidate_chapters(project):
    root, chapters = project
    (root / "book" / "build.py").write_text("print('faster')\n")
    (root / "companion" / "__pycache__").mkdir()
    (root / "companion" / "__pycache__" / "models.cpython-312.pyc").write_bytes(b"\0")
    assert freshness.refresh(root, chapters) == []


def test_a_depends_on_file_changed_forgets_only_its_chapter(project):
    root, chapters = project
    (root / "results.json").write_text('{"new": 1}')
    assert freshness.refresh(root, chapters) == [chapters[1]]
    assert frozen(root) == ["a"]


def test_a_missing_depends_on_file_is_an_error_naming_the_chapter(project):
    root, chapters = project
    (root / "results.json").unlink()
    message = r"chapters/b.qmd: depends-on names ../results.json, which does not exist"
    with pytest.raises(FileNotFoundError, match=message):
        freshness.refresh(root, chapters)


def test_depends_on_reads_a_scalar_a_flow_list_and_a_block_list(tmp_path):
    chapter = tmp_path / "c.qmd"
    cases = {
        "depends-on: x.json\n": ["x.json"],
        "depends-on: [x.json, 'y.csv']\n": ["x.json", "y.csv"],
        "depends-on:\n  - x.json\n  - y.csv\ntitle: T\n": ["x.json", "y.csv"],
        "title: T\n": [],
    }
    for front, expected in cases.items():
        chapter.write_text(f"---\n{front}---\n\n# C\n")
        assert freshness.depends_on(chapter) == expected
    chapter.write_text("# No front matter\ndepends-on: x.json\n")
    assert freshness.depends_on(chapter) == []


def test_pdf_results_are_shared_with_the_html_pass_only_when_new(tmp_path):
    results = tmp_path / "_freeze" / "chapters" / "a" / "execute-results"
    results.mkdir(parents=True)
    (results / "typ.json").write_text('{"hash": "1"}')
    assert build.share_executed_results(tmp_path) == 1
    assert (results / "html.json").read_text() == '{"hash": "1"}'
    assert build.share_executed_results(tmp_path) == 0
    (results / "typ.json").write_text('{"hash": "2"}')
    assert build.share_executed_results(tmp_path) == 1
    assert (results / "html.json").read_text() == '{"hash": "2"}'


def test_results_with_raw_output_of_one_format_are_not_shared(tmp_path):
    results = tmp_path / "_freeze" / "chapters" / "a" / "execute-results"
    results.mkdir(parents=True)
    (results / "typ.json").write_text(json.dumps({"markdown": "```{=typst}\n#x\n```"}))
    assert build.share_executed_results(tmp_path) == 0
    assert not (results / "html.json").exists()


def test_formats_with_different_figure_options_are_refused():
    same = {"fig-format": "svg", "fig-width": 7}
    build.check_formats({"format": {"html": same, "typst": dict(same)}})
    with pytest.raises(build.BuildError, match="fig-width"):
        build.check_formats({"format": {"html": same, "typst": {**same, "fig-width": 6}}})


def fake_quarto(path, version):
    path.write_text(f"#!/bin/sh\necho {version}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_quarto_is_taken_from_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("QUARTO", str(fake_quarto(tmp_path / "quarto", "1.11.3")))
    assert build.find_quarto() == str(tmp_path / "quarto")


def test_a_too_old_quarto_in_the_environment_variable_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("QUARTO", str(fake_quarto(tmp_path / "quarto", "1.8.2")))
    with pytest.raises(build.BuildError, match=r"\$QUARTO is .* not Quarto >= 1.9"):
        build.find_quarto()


def test_quarto_on_path_is_found(tmp_path, monkeypatch):
    monkeypatch.delenv("QUARTO", raising=False)
    fake_quarto(tmp_path / "quarto", "1.9.0")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert build.find_quarto() == str(tmp_path / "quarto")


def test_run_echoes_and_logs_quarto_and_times_each_file(tmp_path, capsys):
    script = (
        "print('\\x1b[1m[ 1/2] chapters/a.qmd\\x1b[0m'); print('done a'); print('[ 2/2] b.qmd')"
    )
    with (tmp_path / "log").open("w") as log:
        seconds = build._run([sys.executable, "-c", script], dict(os.environ), log)
    assert list(seconds) == ["chapters/a.qmd", "b.qmd"]
    assert all(s >= 0 for s in seconds.values())
    assert "done a" in (tmp_path / "log").read_text()
    assert "done a" in capsys.readouterr().out


def test_a_failing_quarto_run_is_a_build_error(tmp_path):
    with (tmp_path / "log").open("w") as log, pytest.raises(build.BuildError, match="exit 3"):
        build._run([sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ), log)
