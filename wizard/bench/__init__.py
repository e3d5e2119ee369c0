"""`python main.py bench`: the performance benchmark (synthetic district, one fresh process per measurement)."""
