"""The story kinds: one module per kind of story entity, each the single definition of
its fields (a pydantic model), how a row is filled from it and read back into it, and
which of its texts a viewer sees from which stamp."""
