"""``intake_store_submissions`` reads its items out of their JSON once, not per statement.

Each statement of the function read the items with ``jsonb_to_recordset``, taking
every field of every item out of the JSON again (times and keys parsed from
text each time): eleven times per call, a third of the function's time for a
batch. The items are now read once into an array of ``intake_sent_item``, a
composite type with the same fields, which each statement unnests. The function
is otherwise that of migration 0011.
"""

import importlib

from django.db import migrations

_0011 = importlib.import_module("pollwatch.intake.migrations.0011_store_checks_remembered_sender")

_FIELDS = _0011.SENT[_0011.SENT.index("AS sent (") + len("AS sent (") : _0011.SENT.rindex(")")]
CREATE_TYPE = f"CREATE TYPE intake_sent_item AS ({_FIELDS})"
DROP_TYPE = "DROP TYPE IF EXISTS intake_sent_item"

READ_ONCE = """BEGIN
    -- The items, read out of their JSON once: every statement below reads them again.
    sent_items := ARRAY(
        SELECT sent FROM jsonb_populate_recordset(NULL::intake_sent_item, items) AS sent
    );

"""


def _reading_items_once(create: str) -> str:
    if create.count(_0011.SENT) < 2 or create.count("\nBEGIN\n") != 1:
        raise ValueError("the function of migration 0011 is not as expected")
    text = create.replace(_0011.SENT, "unnest(sent_items) AS sent")
    text = text.replace(
        "    senders_changed integer[];\n",
        "    senders_changed integer[];\n    sent_items intake_sent_item[];\n",
    )
    return text.replace("\nBEGIN\n", "\n" + READ_ONCE, 1)


CREATE = _reading_items_once(_0011.CREATE)


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TYPE)
        schema_editor.execute(CREATE)


def restore_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_0011.CREATE)
        schema_editor.execute(DROP_TYPE)


class Migration(migrations.Migration):
    dependencies = [("intake", "0011_store_checks_remembered_sender")]
    operations = [migrations.RunPython(create_function, restore_function)]
