package recordio

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/firedraw/firedraw/risk"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Sentinel errors of package recordio, wrapped by the *risk.RecordError
// that reports them.
var (
	// ErrTooLarge reports an input over one of the limits of LoadOptions.
	ErrTooLarge = errors.New("input over a limit")
	// ErrWrongFormat reports an input that is not UTF-8 text (a
	// workbook, another character set).
	ErrWrongFormat = errors.New("not a UTF-8 text file")
)

// Default limits of LoadOptions, used where a field is zero.
const (
	// DefaultMaxLineBytes bounds a CSV record (line breaks inside quoted
	// fields included) or a JSON line: 1 MiB.
	DefaultMaxLineBytes = 1 << 20
	// DefaultMaxFieldBytes bounds one CSV field or JSON value: 64 KiB.
	DefaultMaxFieldBytes = 64 << 10
	// DefaultMaxBytes bounds the bytes read from an input, after
	// decompression: 64 GiB.
	DefaultMaxBytes = 64 << 30
	// DefaultMaxGzipRatio bounds the ratio of decompressed to compressed
	// bytes of a gzipped input: 200 (CSV exports compress 5–30 times; a
	// gzip bomb about 1000 times). It is checked once more than
	// gzipRatioGrace bytes are decompressed, so small files are exempt.
	DefaultMaxGzipRatio = 200
	gzipRatioGrace      = 16 << 20
)

// Charset is the character set of an input.
type Charset uint8

// Character sets.
const (
	// UTF8 is the default: input must be UTF-8. Input that is not, but
	// decodes as GB18030 (the usual export of a Chinese spreadsheet), is
	// refused with ErrWrongFormat and a conversion hint.
	UTF8 Charset = iota
	// GB18030 reads the input as GB18030 (a superset of GBK and GB 2312)
	// and converts it to UTF-8.
	GB18030
)

// CreditCodeCheck selects what a unit loader does with a unit ID that is
// not a valid unified social credit code (GB 32100-2015).
type CreditCodeCheck uint8

// Credit code checks.
const (
	// CreditCodeOff does not check unit IDs.
	CreditCodeOff CreditCodeCheck = iota
	// CreditCodeWarn passes each unit ID that is not a valid code, as a
	// *RecordError wrapping ErrBadCreditCode, to LoadOptions.Warn and
	// keeps the unit.
	CreditCodeWarn
	// CreditCodeError rejects each unit ID that is not a valid code with
	// ErrBadCreditCode.
	CreditCodeError
)

// limits returns the limits of o with defaults filled in.
func (o *LoadOptions) limits() (line, field int, total int64, ratio int) {
	line, field, total, ratio = o.MaxLineBytes, o.MaxFieldBytes, o.MaxBytes, o.MaxGzipRatio
	if line <= 0 {
		line = DefaultMaxLineBytes
	}
	if field <= 0 {
		field = DefaultMaxFieldBytes
	}
	if total <= 0 {
		total = DefaultMaxBytes
	}
	if ratio <= 0 {
		ratio = DefaultMaxGzipRatio
	}
	return line, field, total, ratio
}

const sniffSize = 64 << 10

var (
	zipMagic  = []byte("PK\x03\x04")
	oleMagic  = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") // .xls
	gzipMagic = []byte("\x1f\x8b")
)

// gbHint is the advice given for input that is GB18030 or GBK.
const gbHint = "convert it with `iconv -f GB18030 -t UTF-8 in.csv > out.csv` (or set LoadOptions.Charset to GB18030)"

// open wraps the input of a loader: it refuses workbooks, gunzips gzip
// (by its magic number) within the expansion ratio, bounds the total
// size, and detects or converts GB18030.
func (l *loader) open(r io.Reader) (io.Reader, *risk.RecordError) {
	_, _, total, ratio := l.opt.limits()
	br := bufio.NewReaderSize(r, sniffSize)
	head, _ := br.Peek(len(oleMagic))
	if bytes.HasPrefix(head, gzipMagic) {
		cr := &countingReader{r: br}
		zr, err := gzip.NewReader(cr)
		if err != nil {
			return nil, &risk.RecordError{Line: 1, Err: fmt.Errorf("%w: gzip: %v", risk.ErrMalformed, err)}
		}
		zr.Multistream(true)
		br = bufio.NewReaderSize(&ratioReader{r: zr, compressed: cr, ratio: int64(ratio)}, sniffSize)
		head, _ = br.Peek(len(oleMagic))
	}
	if e := sniffWorkbook(head); e != nil {
		return nil, e
	}
	var in io.Reader = &sizeReader{r: br, max: total}
	if l.opt.Charset == GB18030 {
		return bufio.NewReaderSize(transform.NewReader(in, simplifiedchinese.GB18030.NewDecoder()), sniffSize), nil
	}
	sniff, _ := br.Peek(sniffSize)
	if isGB18030(sniff) {
		return nil, &risk.RecordError{Line: 1, Err: fmt.Errorf("%w: the file is GBK/GB18030, not UTF-8: %s", ErrWrongFormat, gbHint)}
	}
	return bufio.NewReaderSize(in, sniffSize), nil
}

func sniffWorkbook(head []byte) *risk.RecordError {
	switch {
	case bytes.HasPrefix(head, zipMagic):
		return &risk.RecordError{Line: 1, Err: fmt.Errorf("%w: this is an .xlsx workbook: save it as CSV UTF-8", ErrWrongFormat)}
	case bytes.HasPrefix(head, oleMagic):
		return &risk.RecordError{Line: 1, Err: fmt.Errorf("%w: this is an .xls workbook: save it as CSV UTF-8", ErrWrongFormat)}
	}
	return nil
}

// isGB18030 reports whether b, the start of an input, is not UTF-8 but
// decodes as GB18030 without a replacement character. Only whole lines
// are considered, so that a character cut at the end of b does not count.
func isGB18030(b []byte) bool {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 && len(b) == sniffSize {
		b = b[:i]
	}
	if utf8.Valid(b) {
		return false
	}
	d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	return err == nil && !bytes.ContainsRune(d, utf8.RuneError)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ratioReader fails when more than ratio times the compressed bytes read
// so far come out of a decompressor, past gzipRatioGrace bytes.
type ratioReader struct {
	r          io.Reader
	compressed *countingReader
	ratio, n   int64
}

func (z *ratioReader) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	z.n += int64(n)
	if err != nil && err != io.EOF {
		// A truncated or corrupt stream is bad input, not an I/O failure.
		err = fmt.Errorf("%w: gzip: %v", risk.ErrMalformed, err)
	}
	if z.n > gzipRatioGrace && z.n > z.ratio*z.compressed.n {
		return n, fmt.Errorf("%w: gzip expands more than %d times (%d bytes from %d; LoadOptions.MaxGzipRatio)",
			ErrTooLarge, z.ratio, z.n, z.compressed.n)
	}
	return n, err
}

// sizeReader fails after max bytes.
type sizeReader struct {
	r      io.Reader
	max, n int64
}

func (s *sizeReader) Read(p []byte) (int, error) {
	if s.n >= s.max {
		// Look one byte further: input of exactly max bytes is fine.
		var one [1]byte
		if n, _ := s.r.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("%w: input longer than %d bytes (LoadOptions.MaxBytes)", ErrTooLarge, s.max)
		}
	}
	if int64(len(p)) > s.max-s.n {
		p = p[:max(s.max-s.n, 0)]
	}
	if len(p) == 0 {
		return 0, io.EOF
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	return n, err
}

// lineTooLong is the error for a record over MaxLineBytes.
func lineTooLong(limit int) error {
	return fmt.Errorf("%w: line longer than %d bytes (LoadOptions.MaxLineBytes)", ErrTooLarge, limit)
}

// fieldTooLong is the error for a field over MaxFieldBytes.
func fieldTooLong(limit int) error {
	return fmt.Errorf("%w: field longer than %d bytes (LoadOptions.MaxFieldBytes)", ErrTooLarge, limit)
}
