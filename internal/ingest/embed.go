package ingest

import "embed"

// builtinProfiles holds the profiles shipped with Atalaya; see
// docs/formats.md for the format.
//
//go:embed profiles/*.yaml
var builtinProfiles embed.FS
