# tests/foundation/: the build's own promises (dependency step, front end, install layout).
TEST_SCRIPTS += tests/foundation/foundation_test.sh
