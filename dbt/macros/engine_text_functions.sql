{#- Text functions whose name or signature differs between engines, behind `adapter.dispatch`
    so that another engine only adds its `<adapter>__` version. The `default__` versions are
    DuckDB's. Patterns are RE2 syntax (`\p{L}` a letter) written in plain SQL strings, where a
    backslash is not an escape (DuckDB, Postgres); an engine whose strings escape backslashes
    (Spark) doubles them in its own version. -#}

{#- Accents removed ("Société" -> "Societe"). DuckDB's strip_accents drops combining marks
    only: letters that do not decompose (œ, ß, ø) are spelled out before it, by the caller. -#}
{% macro fold_accents(text) -%}
    {{ return(adapter.dispatch('fold_accents', 'c360')(text)) }}
{%- endmacro %}

{% macro default__fold_accents(text) -%}
    strip_accents({{ text }})
{%- endmacro %}

{#- Every match of `pattern` replaced (DuckDB and Postgres replace the first one only unless
    told 'g'; Spark and Snowflake replace all by default). -#}
{% macro regex_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'c360')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{#- The first match of `pattern` replaced. -#}
{% macro regex_replace_first(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_first', 'c360')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_first(text, pattern, replacement) -%}
    regexp_replace({{ text }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{#- Capture group `group` of the first match of `pattern`, null when there is none. -#}
{% macro regex_extract(text, pattern, group) -%}
    {{ return(adapter.dispatch('regex_extract', 'c360')(text, pattern, group)) }}
{%- endmacro %}

{% macro default__regex_extract(text, pattern, group) -%}
    nullif(regexp_extract({{ text }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{#- True when `pattern` matches somewhere in the text. -#}
{% macro regex_matches(text, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'c360')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(text, pattern) -%}
    regexp_matches({{ text }}, '{{ pattern }}')
{%- endmacro %}

{#- Jaro-Winkler similarity of two strings in [0, 1]; 0 when either is null. -#}
{% macro name_similarity(left, right) -%}
    {{ return(adapter.dispatch('name_similarity', 'c360')(left, right)) }}
{%- endmacro %}

{% macro default__name_similarity(left, right) -%}
    coalesce(jaro_winkler_similarity({{ left }}, {{ right }}), 0.0)
{%- endmacro %}

{#- Spark's versions. Spark string literals treat a backslash as an escape and read '' as two
    adjacent literals (concatenated), so patterns have their backslashes doubled and a quote
    written \'. Spark's regexp_replace replaces every match. -#}
{% macro spark_pattern(pattern) -%}
    {{- pattern | replace("\\", "\\\\") | replace("''", "\\'") -}}
{%- endmacro %}

{#- Spark has no strip_accents: the precomposed Latin letters (Latin-1 Supplement, Extended-A
    and -B, Latin Extended Additional) that decompose to an ASCII letter plus marks are
    translated to that letter, which is what strip_accents gives for them. -#}
{% macro spark_accented_letters() -%}
    {{ return(""
        ~ "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜ"
        ~ "ĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽ"
        ~ "žƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯ"
        ~ "ȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋ"
        ~ "ṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẠạ"
        ~ "ẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰự"
        ~ "ỲỳỴỵỶỷỸỹ"
    ) }}
{%- endmacro %}

{% macro spark_unaccented_letters() -%}
    {{ return(""
        ~ "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeG"
        ~ "gGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZ"
        ~ "zOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOo"
        ~ "OoYyAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNn"
        ~ "OoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwyAa"
        ~ "AaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUu"
        ~ "YyYyYyYy"
    ) }}
{%- endmacro %}

{% macro spark__fold_accents(text) -%}
    translate({{ text }}, '{{ spark_accented_letters() }}', '{{ spark_unaccented_letters() }}')
{%- endmacro %}

{% macro spark__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, '{{ spark_pattern(pattern) }}', '{{ spark_pattern(replacement) }}')
{%- endmacro %}

{#- Spark has no first-match replace: the callers' patterns are anchored (`^...`, `...$`), so
    they match at most once and replacing every match is the same. -#}
{% macro spark__regex_replace_first(text, pattern, replacement) -%}
    {{ spark__regex_replace_all(text, pattern, replacement) }}
{%- endmacro %}

{% macro spark__regex_extract(text, pattern, group) -%}
    nullif(regexp_extract({{ text }}, '{{ spark_pattern(pattern) }}', {{ group }}), '')
{%- endmacro %}

{% macro spark__regex_matches(text, pattern) -%}
    regexp_like({{ text }}, '{{ spark_pattern(pattern) }}')
{%- endmacro %}

{#- Spark SQL has no Jaro-Winkler: c360.spark_build registers `c360_jaro_winkler` (the same
    similarity as DuckDB's jaro_winkler_similarity) as a session function before dbt runs. -#}
{% macro spark__name_similarity(left, right) -%}
    coalesce(c360_jaro_winkler({{ left }}, {{ right }}), 0.0)
{%- endmacro %}
