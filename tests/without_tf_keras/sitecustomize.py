"""An environment without tf-keras, for `make test-without-tf-keras`: importing it fails as if absent.

On PYTHONPATH this module is imported at start-up (``site``), in pytest and in every Python
process the tests start, so the tests that need tf-keras must skip and all others must pass.
"""

import sys


class _NoTfKeras:
    def find_spec(self, name, path=None, target=None):
        if name == "tf_keras" or name.startswith("tf_keras."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NoTfKeras())
