# tests/packaging/: the bash completions (part of `make check`). The package
# builds and the installed-package tests (packages_test.sh, deb_hooks_test.sh)
# rebuild the tree and need root: .ci/run runs them.
TEST_SCRIPTS += tests/packaging/completion.sh
