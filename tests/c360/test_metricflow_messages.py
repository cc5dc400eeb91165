"""MetricFlow's multi-line resolution reports, told in one line (c360.metricflow_messages)."""

from c360.metricflow_messages import metricflow_message

# As MetricFlow 0.213 words a filter on a dimension the metric does not have (abridged).
REPORT = """Got error(s) during query resolution.

Error #1:
  Message:

    The given input does not match any of the available group-by-items for
    SimpleMetric('net_revenue'). Common issues are:

      * Incorrect names.

    Suggestions:
      [
        "Dimension('customer__segment')",
        "Entity('customer')",
      ]

  Query Input:

    WhereFilter(
      ["{{ Dimension('customer__segmnt') }} = 'SMB'"]
    )
    Filter Path:
      [Resolve Query(['net_revenue'])]
    Object Builder Input:
      Dimension('customer__segmnt')

  Issue Location:

    [Resolve Query(['net_revenue'])]

Error #2:
  Message:

    A second error, not told.
"""


def test_the_first_message_is_told_with_what_was_asked_and_what_exists() -> None:
    assert metricflow_message(REPORT) == (
        "The given input does not match any of the available group-by-items for "
        "SimpleMetric('net_revenue'). (asked: Dimension('customer__segmnt')); "
        "what exists: Dimension('customer__segment'), Entity('customer')"
    )


def test_a_one_line_error_is_told_as_it_is() -> None:
    assert metricflow_message("  Unknown metric 'x'.\n") == "Unknown metric 'x'."
    assert metricflow_message("") == "MetricFlow refused the query"
