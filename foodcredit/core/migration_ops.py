"""Migration operations Django does not have."""

from typing import Any

from django.db import migrations, models


class AddFieldsAtOnce(migrations.operations.base.Operation):
    """AddField for several fields of one model, in a single ALTER TABLE on PostgreSQL.

    Adding a stored generated column rewrites the whole table: on a ledger of tens of millions of entries, one rewrite
    for all the new columns instead of one per column. Elsewhere (SQLite) the fields are added one by one.
    """

    reversible = True

    def __init__(self, model_name: str, fields: list[tuple[str, models.Field]]) -> None:
        self.model_name = model_name
        self.fields = fields

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__name__, [], {"model_name": self.model_name, "fields": self.fields}

    def state_forwards(self, app_label: str, state: Any) -> None:
        for name, field in self.fields:
            state.add_field(app_label, self.model_name.lower(), name, field, True)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        fields = [model._meta.get_field(name) for name, _ in self.fields]
        if schema_editor.connection.vendor != "postgresql":
            for field in fields:
                schema_editor.add_field(model, field)
            return
        clauses = []
        for field in fields:
            definition, params = schema_editor.column_sql(model, field, include_default=False)
            if params:
                raise ValueError(f"AddFieldsAtOnce: {field.name} needs parameters; use AddField")
            clauses.append(f"ADD COLUMN {schema_editor.quote_name(field.column)} {definition}")
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} {', '.join(clauses)}")

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        for name, _ in reversed(self.fields):
            schema_editor.remove_field(model, model._meta.get_field(name))

    def describe(self) -> str:
        return f"Add fields {', '.join(name for name, _ in self.fields)} to {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name.lower()}_add_fields"
