"""Every error the package raises on purpose is in one family (`DspyerLabError`), still the builtin a caller
catches (`except ValueError` keeps working), exported from the package, and pickles with its details."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil

import pytest

import dspyer_lab
from dspyer_lab import DspyerLabError
from dspyer_lab.core import exceptions


def _package_errors() -> dict[str, type[BaseException]]:
    """Every public exception class defined in a module of the package (warnings are not errors)."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(dspyer_lab.__path__, "dspyer_lab."):
        if info.name.endswith(".__main__"):  # importing it runs the command line
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, BaseException) and not issubclass(obj, Warning)
                    and obj.__module__ == module.__name__ and not name.startswith("_")):
                found[f"{module.__name__}.{name}"] = obj
    return found


def test_every_public_error_class_of_the_package_is_in_the_family() -> None:
    errors = _package_errors()
    assert len(errors) > 20  # the walk found the modules
    assert [name for name, cls in errors.items() if not issubclass(cls, DspyerLabError)] == []


def test_every_core_error_is_exported_and_every_exported_error_is_in_the_family() -> None:
    assert set(exceptions.__all__) <= set(dspyer_lab.__all__)
    exported = [getattr(dspyer_lab, name) for name in dir(dspyer_lab) if not name.startswith("_")]
    errors = [obj for obj in exported if inspect.isclass(obj) and issubclass(obj, BaseException)]
    assert [e for e in errors if not issubclass(e, (DspyerLabError, Warning))] == []


@pytest.mark.parametrize(
    ("error", "builtin", "message"),
    [
        (exceptions.ArgumentTypeError("metric", "metric must be callable, got 3"), TypeError, "metric must be callable, got 3"),
        (exceptions.BatchInputError(2, "has key(s) '_x'"), ValueError, "Batch input 2 has key(s) '_x'"),
        (exceptions.BatchIndexError(9, 3), IndexError, "batch input index 9 out of range (the batch has 3 inputs)"),
        (exceptions.BatchStateError("a Batch runs once"), RuntimeError, "a Batch runs once"),
        (exceptions.MetricError(0, "high"), TypeError,
         "the metric returned 'high' for batch input 0; return a bool or a number"),
        (exceptions.NodeStopIteration("take", ""), RuntimeError, "Node 'take' raised StopIteration: (no message)"),
        (exceptions.NodeStopIteration("take", "empty", router=True), RuntimeError,
         "Router of node 'take' raised StopIteration: empty"),
        (exceptions.MissingDependencyError("BatchStats.to_pandas", "pandas"), ImportError,
         "BatchStats.to_pandas needs pandas (pip install pandas)"),
        (exceptions.EventLoopError("a background run needs a running event loop"), RuntimeError,
         "a background run needs a running event loop"),
        (exceptions.CallOptionError("inputs", [], problem="the inputs must be a dict"), TypeError, "the inputs must be a dict"),
    ],
)
def test_a_new_error_is_its_builtin_too_reads_in_one_line_and_pickles(
    error: DspyerLabError, builtin: type[Exception], message: str
) -> None:
    assert isinstance(error, builtin) and str(error) == message
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == message and vars(again) == vars(error)
