"""The Teams app package: manifest, icons and the zip an admin uploads to Teams.

Builds from plain values (``PackageOptions``) and imports nothing else of the product.
"""

from manifest.document import SCHEMA_URL, SCHEMA_VERSION, build_manifest
from manifest.options import PackageOptions
from manifest.package import build_package, package_contents, package_name

__all__ = [
    "SCHEMA_URL",
    "SCHEMA_VERSION",
    "PackageOptions",
    "build_manifest",
    "build_package",
    "package_contents",
    "package_name",
]
