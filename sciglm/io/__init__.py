"""Reading and writing sciglm's data files."""
