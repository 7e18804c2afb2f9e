#!/usr/bin/env bash
# Opens every sample report's .docx (and one with a township table) in LibreOffice, headless, with
# the Fandol fonts under the Word font names, and checks that it sets them as zongjie's PDF: the
# same pages, 28 characters a line, 22 lines a page, the 落款 with the text. `cargo test` runs the
# same test whenever soffice is installed (.ci/run installs it); this script installs LibreOffice
# on a machine that lacks it and runs only that test.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui fontconfig poppler-utils
fi
cargo test --test docx libreoffice -- --nocapture
