"""Loaders: read a plan file and turn it into graph records.

read → normalise → metadata → structure → owners → extract → build.
Each step is a module with a plain function; `loaders.pipeline` chains them.
"""
