# The two set-up commands of the README. Both check for Swift 6 and install the Debian packages
# that are missing first (scripts/install-deps), so they work on a fresh Debian bookworm machine
# as root: `make demo` only what the main job needs, `make test` the test tools as well.
SWIFT ?= swift
export SWIFT

.PHONY: demo test deps test-deps build kill-test

deps:
	scripts/install-deps

test-deps:
	scripts/install-deps --test

build: deps
	$(SWIFT) build -c release --product strata

# The main job on the built-in default data: the quickstart pipeline on Fashion-MNIST (probe,
# split, verify, report) into runs/quickstart; run again, it continues or skips what is done.
demo: build
	.build/release/strata run analyses/quickstart-fashion-mnist.json --out runs/quickstart --resume

# Every test. Swift Testing only: the suite has no XCTest cases.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

# Kill test: SIGKILL `strata run` 20 times at random moments across its stages, resume each
# time, compare the outputs with an uninterrupted run (issue 11). CI runs it after the tests.
kill-test: build
	scripts/kill-test .build/release/strata 20
