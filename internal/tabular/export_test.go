package tabular

// SetMaxSharedStrings lowers the shared strings limit for a test and
// returns a function restoring it.
func SetMaxSharedStrings(n int64) (restore func()) {
	old := maxSharedStrings
	maxSharedStrings = n
	return func() { maxSharedStrings = old }
}

// SetBufSize changes the read buffer size of text readers for a test and
// returns a function restoring it.
func SetBufSize(n int64) (restore func()) {
	old := bufSize
	bufSize = n
	return func() { bufSize = old }
}
