"""Triggers that keep portal_searchgram exact for every writer of operators and licences (see SearchGram).

Names give their two-character bigrams, lower-cased in ASCII only (SQLite's lower() and the query side agree on
that); the USCC and licence numbers give their four-character pieces, upper-cased, prefixed with '#'. PostgreSQL
uses statement triggers with transition tables, so a COPY or an ON CONFLICT upsert of a million operators indexes
them in one set-based INSERT; SQLite uses row triggers over a small table of positions (its triggers allow no CTE).
"""

from django.db import migrations

ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ASCII_LOWER = ASCII_UPPER.lower()
POSITIONS = 300  # longer than any name (200), USCC (18) or licence number (40)

PG_FORWARD = f"""
CREATE FUNCTION portal_name_grams(t text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT DISTINCT substr(translate(t, '{ASCII_UPPER}', '{ASCII_LOWER}'), i, 2)
  FROM generate_series(1, char_length(t) - 1) AS i $$;
CREATE FUNCTION portal_code_grams(t text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT DISTINCT '#' || substr(translate(t, '{ASCII_LOWER}', '{ASCII_UPPER}'), i, 4)
  FROM generate_series(1, char_length(t) - 3) AS i $$;

CREATE FUNCTION portal_codes_rebuild(ids bigint[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM portal_searchgram WHERE operator_id = ANY(ids) AND gram LIKE '#%';
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT g, o.id FROM operators_operator o, portal_code_grams(o.uscc) g WHERE o.id = ANY(ids)
    UNION SELECT g, l.operator_id FROM licences_licence l, portal_code_grams(l.number) g
          WHERE l.operator_id = ANY(ids)
  ON CONFLICT DO NOTHING $$;

CREATE FUNCTION portal_operators_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT g, n.id FROM new_rows n, portal_name_grams(n.name) g
    UNION ALL SELECT g, n.id FROM new_rows n, portal_code_grams(n.uscc) g
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION portal_operators_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed bigint[];
BEGIN
  SELECT array_agg(n.id) INTO changed FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE n.name IS DISTINCT FROM o.name OR n.uscc IS DISTINCT FROM o.uscc;
  IF changed IS NULL THEN RETURN NULL; END IF;
  DELETE FROM portal_searchgram WHERE operator_id = ANY(changed);
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT g, n.id FROM new_rows n, portal_name_grams(n.name) g WHERE n.id = ANY(changed)
  ON CONFLICT DO NOTHING;
  PERFORM portal_codes_rebuild(changed);
  RETURN NULL;
END $$;
CREATE FUNCTION portal_operators_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM portal_searchgram WHERE operator_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;
CREATE FUNCTION portal_licences_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO portal_searchgram (gram, operator_id)
    SELECT g, n.operator_id FROM new_rows n, portal_code_grams(n.number) g
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION portal_licences_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed bigint[];
BEGIN
  SELECT array_agg(DISTINCT x) INTO changed FROM (
    SELECT n.operator_id AS x FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE n.number IS DISTINCT FROM o.number OR n.operator_id IS DISTINCT FROM o.operator_id
    UNION SELECT o.operator_id FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE n.number IS DISTINCT FROM o.number OR n.operator_id IS DISTINCT FROM o.operator_id) AS c;
  IF changed IS NOT NULL THEN PERFORM portal_codes_rebuild(changed); END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION portal_licences_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed bigint[];
BEGIN
  SELECT array_agg(DISTINCT operator_id) INTO changed FROM old_rows;
  IF changed IS NOT NULL THEN PERFORM portal_codes_rebuild(changed); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER portal_operators_ai AFTER INSERT ON operators_operator REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_operators_inserted();
CREATE TRIGGER portal_operators_au AFTER UPDATE ON operators_operator
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_operators_updated();
CREATE TRIGGER portal_operators_ad AFTER DELETE ON operators_operator REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_operators_deleted();
CREATE TRIGGER portal_licences_ai AFTER INSERT ON licences_licence REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_licences_inserted();
CREATE TRIGGER portal_licences_au AFTER UPDATE ON licences_licence
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_licences_updated();
CREATE TRIGGER portal_licences_ad AFTER DELETE ON licences_licence REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION portal_licences_deleted();

INSERT INTO portal_searchgram (gram, operator_id)
  SELECT g, o.id FROM operators_operator o, portal_name_grams(o.name) g
  UNION ALL SELECT g, o.id FROM operators_operator o, portal_code_grams(o.uscc) g
  UNION ALL SELECT g, l.operator_id FROM licences_licence l, portal_code_grams(l.number) g
ON CONFLICT DO NOTHING;
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS portal_operators_ai ON operators_operator; DROP TRIGGER IF EXISTS portal_operators_au ON operators_operator;
DROP TRIGGER IF EXISTS portal_operators_ad ON operators_operator; DROP TRIGGER IF EXISTS portal_licences_ai ON licences_licence;
DROP TRIGGER IF EXISTS portal_licences_au ON licences_licence; DROP TRIGGER IF EXISTS portal_licences_ad ON licences_licence;
DROP FUNCTION IF EXISTS portal_operators_inserted(); DROP FUNCTION IF EXISTS portal_operators_updated();
DROP FUNCTION IF EXISTS portal_operators_deleted(); DROP FUNCTION IF EXISTS portal_licences_inserted();
DROP FUNCTION IF EXISTS portal_licences_updated(); DROP FUNCTION IF EXISTS portal_licences_deleted();
DROP FUNCTION IF EXISTS portal_codes_rebuild(bigint[]); DROP FUNCTION IF EXISTS portal_name_grams(text); DROP FUNCTION IF EXISTS portal_code_grams(text);
"""


def _sqlite_name(table: str, row: str, operator: str) -> str:
    return (
        f"INSERT OR IGNORE INTO portal_searchgram (gram, operator_id) SELECT substr(lower({row}.name), p.n, 2), "
        f"{operator} FROM portal_searchposition p WHERE p.n < length({row}.name);"
    )


def _sqlite_codes(operator: str) -> str:
    """Rebuild the '#' pieces of one operator from its USCC and its licences."""
    return f"""
    DELETE FROM portal_searchgram WHERE operator_id = {operator} AND gram >= '#' AND gram < '$';
    INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
      SELECT '#' || substr(upper(o.uscc), p.n, 4), o.id FROM operators_operator o, portal_searchposition p
      WHERE o.id = {operator} AND p.n <= length(o.uscc) - 3;
    INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
      SELECT '#' || substr(upper(l.number), p.n, 4), l.operator_id FROM licences_licence l, portal_searchposition p
      WHERE l.operator_id = {operator} AND p.n <= length(l.number) - 3;"""


SQLITE_FORWARD = [
    "CREATE TABLE portal_searchposition (n integer PRIMARY KEY)",
    f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {POSITIONS})"
    " INSERT INTO portal_searchposition (n) SELECT n FROM s",
    f"""CREATE TRIGGER portal_operators_ai AFTER INSERT ON operators_operator BEGIN
      {_sqlite_name("operators_operator", "NEW", "NEW.id")}
      INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
        SELECT '#' || substr(upper(NEW.uscc), p.n, 4), NEW.id FROM portal_searchposition p
        WHERE p.n <= length(NEW.uscc) - 3;
    END""",
    f"""CREATE TRIGGER portal_operators_au AFTER UPDATE OF name, uscc ON operators_operator
    WHEN NEW.name IS NOT OLD.name OR NEW.uscc IS NOT OLD.uscc BEGIN
      DELETE FROM portal_searchgram WHERE operator_id = NEW.id;
      {_sqlite_name("operators_operator", "NEW", "NEW.id")}
      {_sqlite_codes("NEW.id")}
    END""",
    """CREATE TRIGGER portal_operators_ad AFTER DELETE ON operators_operator BEGIN
      DELETE FROM portal_searchgram WHERE operator_id = OLD.id;
    END""",
    """CREATE TRIGGER portal_licences_ai AFTER INSERT ON licences_licence BEGIN
      INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
        SELECT '#' || substr(upper(NEW.number), p.n, 4), NEW.operator_id FROM portal_searchposition p
        WHERE p.n <= length(NEW.number) - 3;
    END""",
    f"""CREATE TRIGGER portal_licences_au AFTER UPDATE OF number, operator_id ON licences_licence
    WHEN NEW.number IS NOT OLD.number OR NEW.operator_id IS NOT OLD.operator_id BEGIN
      {_sqlite_codes("OLD.operator_id")}
      {_sqlite_codes("NEW.operator_id")}
    END""",
    f"""CREATE TRIGGER portal_licences_ad AFTER DELETE ON licences_licence BEGIN
      {_sqlite_codes("OLD.operator_id")}
    END""",
    """INSERT OR IGNORE INTO portal_searchgram (gram, operator_id)
      SELECT substr(lower(o.name), p.n, 2), o.id FROM operators_operator o, portal_searchposition p
      WHERE p.n < length(o.name)
      UNION ALL SELECT '#' || substr(upper(o.uscc), p.n, 4), o.id FROM operators_operator o, portal_searchposition p
      WHERE p.n <= length(o.uscc) - 3
      UNION ALL SELECT '#' || substr(upper(l.number), p.n, 4), l.operator_id
      FROM licences_licence l, portal_searchposition p WHERE p.n <= length(l.number) - 3""",
]
SQLITE_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS portal_{t}" for t in ("operators_ai", "operators_au", "operators_ad", "licences_ai",
                                           "licences_au", "licences_ad")),
    "DROP TABLE IF EXISTS portal_searchposition",
]  # fmt: skip


def forward(apps, schema_editor):  # noqa: ANN001, ARG001
    run(schema_editor, PG_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):  # noqa: ANN001, ARG001
    run(schema_editor, PG_BACKWARD, SQLITE_BACKWARD)


def run(schema_editor, pg: str, sqlite: list[str]) -> None:  # noqa: ANN001
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(pg)  # no parameters: the '%' of LIKE patterns stays as written
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(vendor)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("operators", "0002_operator_phone_encrypted"),
        ("licences", "0003_alter_licence_operator"),
    ]

    operations = [migrations.RunPython(forward, backward)]
