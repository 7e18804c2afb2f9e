#!/usr/bin/env bash
# Opens the sample report's .docx in LibreOffice (headless), converts it to PDF and checks that the
# text and page numbers survive. Too heavy for CI (LibreOffice is ~300 MB), so the test is
# #[ignore]d there; run this script before a release or after changing the DOCX renderer.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils
fi
cargo test --test docx -- --ignored libreoffice
