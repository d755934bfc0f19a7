"""The demo county: a generator of synthetic children and their histories (`county`), the fast loader that
writes them (`loader`), and the seam through which other apps add their part (`extensions`). Nobody in it is
real; `manage.py demo_county` is the command."""

from casework.demo.extensions import DemoExtension, demo_extensions, register_demo_extension

__all__ = ["DemoExtension", "demo_extensions", "register_demo_extension"]
