"""The pages' front-end libraries are served from node_modules, and nothing else of the npm packages is collected."""

from django.contrib.staticfiles import finders

from foodcredit.core.staticfinders import VendorFinder


def test_the_files_the_pages_load_are_found():
    for path in ("vendor/htmx/htmx.min.js", "vendor/echarts/echarts.min.js", "vendor/swagger-ui/swagger-ui.css"):
        assert finders.find(path), path


def test_other_files_of_the_packages_are_neither_found_nor_collected():
    assert finders.find("vendor/echarts/extension/bmap.js") is None  # present in node_modules, not used
    assert finders.find("vendor/swagger-ui/index.html") is None
    collected = sorted(f"{storage.prefix}/{path}" for path, storage in VendorFinder().list([]))
    assert collected == [
        "vendor/echarts/echarts.min.js",
        "vendor/htmx/htmx.min.js",
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui-bundle.js.map",
        "vendor/swagger-ui/swagger-ui.css",
        "vendor/swagger-ui/swagger-ui.css.map",
    ]


def test_a_missing_asset_is_a_system_check_error(settings, tmp_path):
    settings.VENDOR_STATIC_FILES = [("vendor/x", tmp_path, ["x.min.js"])]
    errors = VendorFinder().check()
    assert [e.id for e in errors] == ["foodcredit.E001"]
    assert "x.min.js" in errors[0].msg
