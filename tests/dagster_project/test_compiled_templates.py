"""Compiled templates read back from disk render as freshly compiled ones, and only those do.

Through dbt's own environments (`dbt_common.clients.jinja.get_template`, text and native), as a
build compiles its nodes' SQL and tests' arguments. Each test wraps Jinja's `compile` afresh and
undoes it after.
"""

from pathlib import Path

import jinja2
import pytest
from dbt_common.clients.jinja import get_template
from jinja2.nativetypes import NativeEnvironment

from dagster_project import compiled_templates
from dagster_project.compiled_templates import reuse_compiled_templates
from dagster_project.dbt_launcher import reuse_project_templates

SQL = """{% set cols = ['customer_key', 'net_revenue'] %}
select {{ cols | join(', ') }} from {{ relation }}
{%- if limit %} limit {{ limit }}{% endif %}"""
CONTEXT = {"relation": "marts.fct_customer_profitability", "limit": 5}


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Jinja's `compile` restored after the test; the sources it really compiled, in order."""
    monkeypatch.setattr(jinja2.Environment, "compile", jinja2.Environment.compile)
    sources: list[str] = []
    original = compiled_templates._jinja_compile

    def counted(self, source, *args):
        sources.append(source)
        return original(self, source, *args)

    monkeypatch.setattr(compiled_templates, "_jinja_compile", counted)
    return sources


def render(sql: str) -> str:
    """`sql` rendered as dbt renders a node's SQL."""
    return get_template(sql, dict(CONTEXT)).render(dict(CONTEXT))


def test_a_template_read_back_from_disk_renders_as_the_compiled_one(tmp_path, compiled):
    plain = render(SQL)
    assert plain == (
        "\nselect customer_key, net_revenue from marts.fct_customer_profitability limit 5"
    )
    reuse_compiled_templates(tmp_path)
    assert render(SQL) == plain
    assert render(SQL) == plain  # the second time from this process's memory
    assert compiled == [SQL]
    assert len(list(tmp_path.iterdir())) == 1

    reuse_compiled_templates(tmp_path)  # another process: its memory empty, the folder kept
    assert render(SQL) == plain
    assert compiled == [SQL]


def test_what_shapes_the_code_is_in_the_key(tmp_path, compiled):
    """Each pair renders differently in plain Jinja; read back under one key, they would not."""
    reuse_compiled_templates(tmp_path)
    # A native environment (dbt renders configurations with one) returns Python values.
    assert NativeEnvironment().from_string("{{ 1 + 2 }}").render() == 3
    assert jinja2.Environment().from_string("{{ 1 + 2 }}").render() == "3"
    # Whitespace options.
    source = "{% if true %}\nx{% endif %}"
    assert jinja2.Environment().from_string(source).render() == "\nx"
    assert jinja2.Environment(trim_blocks=True).from_string(source).render() == "x"
    # A filter of the same name that is passed the context, and one that is not.
    calls = "{{ 'a' | tag }}"
    passed = jinja2.Environment()
    passed.filters["tag"] = jinja2.pass_context(lambda context, value: f"{value}@{context['x']}")
    assert passed.from_string(calls).render(x="ctx") == "a@ctx"
    plain = jinja2.Environment()
    plain.filters["tag"] = lambda value: f"{value}!"
    assert plain.from_string(calls).render(x="ctx") == "a!"
    # Escaping decided by a function of the template's name: the same name and text, escaped
    # by one environment and not by the other (a loader gives `compile` the name, as a file).
    templates = jinja2.DictLoader({"page": "{{ '<b>' }}"})
    escaping = jinja2.Environment(loader=templates, autoescape=lambda name: name == "page")
    assert escaping.get_template("page").render() == "&lt;b&gt;"
    not_escaping = jinja2.Environment(loader=templates, autoescape=lambda name: False)
    assert not_escaping.get_template("page").render() == "<b>"
    assert len(compiled) == len(list(tmp_path.iterdir())) == 8


def test_an_entry_that_does_not_read_back_is_compiled_again(tmp_path, compiled):
    reuse_compiled_templates(tmp_path)
    plain = render(SQL)
    [entry] = tmp_path.iterdir()
    entry.write_bytes(entry.read_bytes()[:20])  # a write cut short

    reuse_compiled_templates(tmp_path)
    assert render(SQL) == plain
    assert compiled == [SQL, SQL]
    reuse_compiled_templates(tmp_path)
    assert render(SQL) == plain
    assert compiled == [SQL, SQL]  # the entry was written whole again


def test_a_folder_that_cannot_be_written_still_renders(tmp_path: Path, compiled):
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder")
    reuse_compiled_templates(blocked / "compiled_templates")
    assert render(SQL) == render(SQL) != ""
    assert compiled == [SQL]  # kept in this process's memory all the same
    assert sorted(tmp_path.iterdir()) == [blocked]


def test_a_template_that_does_not_compile_raises_as_before(tmp_path, compiled):
    reuse_compiled_templates(tmp_path)
    with pytest.raises(Exception, match="Unexpected end of template"):
        render("select {% if true %} 1")
    assert list(tmp_path.iterdir()) == []


def test_c360_dbt_keeps_them_in_the_projects_target_folder(tmp_path, compiled, monkeypatch):
    """Where `c360-dbt` and the Spark build keep them: beside the manifest of the project."""
    project = tmp_path / "dbt"
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: c360\n")  # a project folder (the settings)
    monkeypatch.setenv("C360_DBT_PROJECT_DIR", str(project))
    reuse_project_templates()
    render(SQL)
    written = [p for p in project.rglob("*") if p.is_file() and p.name != "dbt_project.yml"]
    assert [p.parent for p in written] == [tmp_path / "dbt" / "target" / "compiled_templates"]
