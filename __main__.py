"""`python -m policykg …` runs the command line."""
from policykg.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    main(prog_name="policykg")
