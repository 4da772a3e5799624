#!/usr/bin/env bash
# Installs the test tooling that is not an npm package, each only when missing:
#   - geth v1.13.15 (the last geth that seals Clique blocks), from the Go module proxy;
#   - Debian's chromium, for the report's browser check;
#   - the reference QP solvers OSQP and Clarabel (PyPI), for the solver cross-checks;
#   - Hyperledger Besu 26.2.0 (Clique) and 26.8.0 (QBFT), built from source by the shared script
#     ($DERCHAIN_BESU_BUILD, default ../shared/besu/build.sh beside the repository) when JDK 25 and
#     Maven are present; a cached build is reused.
# The product itself needs none of them: `npm start` runs on anvil (npm) alone.
set -euo pipefail

GETH_VERSION=v1.13.15
GO_TOOLCHAIN=go1.22.12
gobin="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"

# the version line of a geth binary, or nothing (captured first: `geth | grep -q` under pipefail
# fails when grep exits before geth has written everything)
geth_version() { "$1" version 2>/dev/null | sed -n 's/^Version: //p' || true; }

if command -v geth >/dev/null 2>&1 && [[ "$(geth_version geth)" == "${GETH_VERSION#v}"* ]]; then
  echo "setup: geth ${GETH_VERSION} on PATH"
elif [ -x "$gobin/geth" ] && [[ "$(geth_version "$gobin/geth")" == "${GETH_VERSION#v}"* ]]; then
  echo "setup: geth ${GETH_VERSION} at $gobin/geth (cached)"
elif command -v go >/dev/null 2>&1; then
  echo "setup: building geth ${GETH_VERSION} with ${GO_TOOLCHAIN} (about 1-3 minutes)"
  GOTOOLCHAIN="$GO_TOOLCHAIN" GOFLAGS=-mod=mod go install "github.com/ethereum/go-ethereum/cmd/geth@${GETH_VERSION}"
  echo "setup: built geth $(geth_version "$gobin/geth")"
else
  echo "setup: WARNING: no Go toolchain, geth cannot be installed; the Clique network tests will fail" >&2
fi

if [ -x /usr/bin/chromium ]; then
  echo "setup: chromium present"
elif command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing Debian chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
else
  echo "setup: WARNING: no apt-get, chromium cannot be installed; the report browser check will fail" >&2
fi

if command -v python3 >/dev/null 2>&1; then
  if python3 -c "import osqp, clarabel, numpy, scipy" >/dev/null 2>&1; then
    echo "setup: python reference solvers present"
  else
    echo "setup: installing osqp and clarabel from PyPI"
    python3 -m pip install --quiet --disable-pip-version-check osqp==1.0.4 clarabel==0.11.1 numpy==2.4.6 scipy==1.17.1
  fi
else
  echo "setup: WARNING: no python3; the solver reference comparisons will be skipped (loudly)" >&2
fi

besu_build="${DERCHAIN_BESU_BUILD:-$(cd "$(dirname "$0")/.." && pwd)/../shared/besu/build.sh}"
besu_jdk="${JAVA_HOME_BUILD:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ ! -f "$besu_build" ]; then
  echo "setup: WARNING: no Besu build script at $besu_build (set DERCHAIN_BESU_BUILD); the Besu network tests will fail" >&2
elif [ ! -x "$besu_jdk/bin/javac" ] || ! command -v mvn >/dev/null 2>&1; then
  echo "setup: WARNING: Besu needs JDK 25 ($besu_jdk) and Maven to build; the Besu network tests will fail" >&2
else
  for v in 26.2.0 26.8.0; do
    echo "setup: Besu $v (built from source on first use, about 1.5-3 minutes; cached after)"
    bash "$besu_build" "$v" | tail -1
  done
fi
