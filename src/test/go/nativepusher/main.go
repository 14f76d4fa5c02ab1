// Command nativepusher pushes ONE native histogram (the experimental "sparse" histogram of client_golang 1.14,
// created by prometheus.NewHistogram with a NativeHistogramBucketFactor) to a Pushgateway, or to anything that
// speaks its protocol, such as our gateway, with the real Go client's push package (Debian's
// golang-github-prometheus-client-golang-dev 1.14). Build it with scripts/build-go-pusher.sh OUT nativepusher;
// tests run it through io.promstream.testing.GoNativePusher.
//
// Usage:
//
//	nativepusher -url http://127.0.0.1:9091[/prefix] -job JOB [-grouping k=v ...] [-method PUT|POST]
//	             [-name NAME] [-help-text TEXT] [-label k=v ...]
//	             [-factor 1.1] [-zero-threshold 0] [-max-buckets 0] [-max-zero-threshold 0]
//	             [-classic] [-buckets 0.1,0.5,1]
//	             (-values 0.1,0.2,... | -observe N [-seed S] [-scale 10])
//	             [-format protobuf|text] [-dry-run] [-timeout 10s]
//
// (Go's flag package takes -flag and --flag alike, and -flag=value as well as -flag value.)
//
//	-method          PUT (Pusher.Push, replaces the group) or POST (Pusher.Add); push and add are accepted too.
//	-factor          NativeHistogramBucketFactor, > 1. client_golang picks the largest schema s in [-4, 8] whose
//	                 factor 2^(2^-s) is <= the given one (at least schema 8): 1.1 gives schema 3, 1.5 schema 1,
//	                 2 schema 0, 4 schema -1, 1.001 schema 8.
//	-zero-threshold  NativeHistogramZeroThreshold: 0 keeps the default 2^-128 (2.938735877055719e-39), a
//	                 negative value makes a zero bucket of width zero (only exact zeros go there).
//	-max-buckets     NativeHistogramMaxBucketNumber (0: unlimited). NativeHistogramMinResetDuration stays 0,
//	                 so going beyond it never resets the histogram: the zero threshold is first widened (up to
//	                 -max-zero-threshold, NativeHistogramMaxZeroThreshold) and then the schema is lowered
//	                 until the populated buckets fit. The schema printed is the one finally pushed.
//	-classic         also keep classic buckets: prometheus.DefBuckets (.005 ... 10), or -buckets when given.
//	-buckets         classic bucket upper bounds (implies -classic); without either, the histogram has no
//	                 classic buckets at all (client_golang only adds DefBuckets when there is no factor).
//	-label k=v       constant labels of the histogram (repeatable; not job, nor a grouping label name).
//	-values          the observations, in this order (any floats strconv.ParseFloat reads: 1e-3, -2, 0, NaN).
//	-observe N       N generated observations instead: splitmix64 seeded with -seed S (uint64, default 1);
//	                 for each i: state += 0x9E3779B97F4A7C15; z := state; z = (z ^ z>>30) * 0xBF58476D1CE4E5B9;
//	                 z = (z ^ z>>27) * 0x94D049BB133111EB; z ^= z>>31; value = float64(z>>11) * 0x1p-53 * scale
//	                 (so in [0, scale), exactly reproducible in Java: see GoNativePusher.generate).
//	-format          protobuf (FmtProtoDelim, the default: the only one that carries the native buckets) or text
//	                 (FmtText: then only count, sum and classic buckets travel).
//	-dry-run         print what would be pushed and exit 0 without pushing (-url and -job may then be omitted).
//
// The request is client_golang 1.14's: PUT/POST <url>/metrics/job/<job>[/<k>/<v>...] with Content-Type
// "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited" and one
// varint-delimited io.prometheus.client.MetricFamily (type HISTOGRAM) holding the one metric. The family is
// gathered ONCE and that very message is both pushed and printed.
//
// Output (stdout, one key=value a line, after the push succeeded or with -dry-run; errors go to stderr with
// exit code 1, bad flags exit 2):
//
//	name=<metric name>
//	count=<sample_count>                  exact
//	sum=<sample_sum>                      shortest Go representation that round-trips (strconv 'g', -1)
//	schema=<schema>
//	zero_threshold=<zero_threshold>       same representation
//	zero_count=<zero_count>
//	positive_spans=<offset:length,...>    empty when none
//	positive_deltas=<delta,...>
//	negative_spans=<offset:length,...>
//	negative_deltas=<delta,...>
//	classic_buckets=<le:cumulative,...>   empty without classic buckets (+Inf is implicit)
//	pushed=<PUT|POST|dry-run>
//
// The sum is the float sum of the observations in the order given (client_golang adds them one by one).
package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// pairsFlag collects repeated k=v flags, in the order given.
type pairsFlag [][2]string

func (g *pairsFlag) String() string {
	if g == nil {
		return ""
	}
	parts := make([]string, 0, len(*g))
	for _, kv := range *g {
		parts = append(parts, kv[0]+"="+kv[1])
	}
	return strings.Join(parts, ",")
}

func (g *pairsFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return errors.New("want name=value")
	}
	*g = append(*g, [2]string{k, v})
	return nil
}

func usageError(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "nativepusher: "+format+"\n", args...)
	flag.Usage()
	os.Exit(2)
}

func parseFloats(s string) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []float64
	for _, part := range strings.Split(s, ",") {
		f, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// generate is the documented generator of -observe N -seed S -scale X (splitmix64).
func generate(n int, seed uint64, scale float64) []float64 {
	out := make([]float64, 0, n)
	state := seed
	for i := 0; i < n; i++ {
		state += 0x9E3779B97F4A7C15
		z := state
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		z ^= z >> 31
		out = append(out, float64(z>>11)*0x1p-53*scale)
	}
	return out
}

func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func spans(ss []*dto.BucketSpan) string {
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		parts = append(parts, fmt.Sprintf("%d:%d", s.GetOffset(), s.GetLength()))
	}
	return strings.Join(parts, ",")
}

func deltas(ds []int64) string {
	parts := make([]string, 0, len(ds))
	for _, d := range ds {
		parts = append(parts, strconv.FormatInt(d, 10))
	}
	return strings.Join(parts, ",")
}

func main() {
	var grouping, labels pairsFlag
	url := flag.String("url", "", "gateway base URL, may end with a path prefix (http://127.0.0.1:9091/prefix)")
	job := flag.String("job", "", "job name")
	flag.Var(&grouping, "grouping", "grouping label name=value (repeatable)")
	method := flag.String("method", "PUT", "PUT (Pusher.Push) or POST (Pusher.Add)")
	name := flag.String("name", "native_request_duration_seconds", "metric name")
	help := flag.String("help-text", "A native histogram pushed by nativepusher.", "metric help")
	flag.Var(&labels, "label", "constant label name=value (repeatable)")
	factor := flag.Float64("factor", 1.1, "NativeHistogramBucketFactor (> 1)")
	zeroThreshold := flag.Float64("zero-threshold", 0, "NativeHistogramZeroThreshold (0: default 2^-128, <0: width zero)")
	maxBuckets := flag.Uint("max-buckets", 0, "NativeHistogramMaxBucketNumber (0: unlimited)")
	maxZeroThreshold := flag.Float64("max-zero-threshold", 0, "NativeHistogramMaxZeroThreshold")
	classic := flag.Bool("classic", false, "also classic buckets (DefBuckets unless -buckets)")
	bucketsFlag := flag.String("buckets", "", "classic bucket upper bounds, comma-separated (implies -classic)")
	valuesFlag := flag.String("values", "", "observations, comma-separated, in order")
	observe := flag.Int("observe", -1, "number of generated observations (instead of -values)")
	seed := flag.Uint64("seed", 1, "seed of the generator of -observe")
	scale := flag.Float64("scale", 10, "generated values are in [0, scale)")
	format := flag.String("format", "protobuf", "body format: protobuf or text")
	dryRun := flag.Bool("dry-run", false, "print, do not push")
	timeout := flag.Duration("timeout", 10*time.Second, "HTTP timeout")
	flag.Parse()

	if flag.NArg() > 0 {
		usageError("no positional arguments")
	}
	if !*dryRun && (*url == "" || *job == "") {
		usageError("need -url and -job (or -dry-run)")
	}
	if !(*factor > 1) {
		usageError("-factor must be > 1 (a native histogram), got %v", *factor)
	}
	if *maxBuckets > math.MaxUint32 {
		usageError("-max-buckets too large")
	}
	var values []float64
	switch {
	case *observe >= 0 && *valuesFlag != "":
		usageError("-values and -observe exclude each other")
	case *observe >= 0:
		values = generate(*observe, *seed, *scale)
	default:
		var err error
		if values, err = parseFloats(*valuesFlag); err != nil {
			usageError("bad -values: %v", err)
		}
	}
	var classicBuckets []float64
	if *bucketsFlag != "" {
		var err error
		if classicBuckets, err = parseFloats(*bucketsFlag); err != nil {
			usageError("bad -buckets: %v", err)
		}
	} else if *classic {
		classicBuckets = prometheus.DefBuckets
	}
	var pushMethod string
	switch strings.ToUpper(*method) {
	case "PUT", "PUSH":
		pushMethod = "PUT"
	case "POST", "ADD":
		pushMethod = "POST"
	default:
		usageError("unknown -method %q (PUT or POST)", *method)
	}
	var fmtFormat expfmt.Format
	switch *format {
	case "protobuf":
		fmtFormat = expfmt.FmtProtoDelim
	case "text":
		fmtFormat = expfmt.FmtText
	default:
		usageError("unknown -format %q (protobuf or text)", *format)
	}

	constLabels := prometheus.Labels{}
	for _, kv := range labels {
		constLabels[kv[0]] = kv[1]
	}
	var histogram prometheus.Histogram
	if err := func() (err error) {
		defer func() { // NewHistogram panics on invalid options (bucket order, label names, ...)
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		histogram = prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:                            *name,
			Help:                            *help,
			ConstLabels:                     constLabels,
			Buckets:                         classicBuckets,
			NativeHistogramBucketFactor:     *factor,
			NativeHistogramZeroThreshold:    *zeroThreshold,
			NativeHistogramMaxBucketNumber:  uint32(*maxBuckets),
			NativeHistogramMaxZeroThreshold: *maxZeroThreshold,
		})
		return nil
	}(); err != nil {
		usageError("invalid histogram options: %v", err)
	}
	reg := prometheus.NewRegistry()
	if err := reg.Register(histogram); err != nil {
		usageError("invalid histogram: %v", err)
	}
	for _, v := range values {
		histogram.Observe(v)
	}

	// Gather once: this is what is pushed and what is printed.
	mfs, err := reg.Gather()
	if err != nil {
		fmt.Fprintf(os.Stderr, "nativepusher: gather failed: %v\n", err)
		os.Exit(1)
	}
	if len(mfs) != 1 || len(mfs[0].GetMetric()) != 1 || mfs[0].GetMetric()[0].GetHistogram() == nil {
		fmt.Fprintf(os.Stderr, "nativepusher: unexpected gather result: %v\n", mfs)
		os.Exit(1)
	}
	h := mfs[0].GetMetric()[0].GetHistogram()

	pushed := "dry-run"
	if !*dryRun {
		pusher := push.New(*url, *job).
			Gatherer(prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return mfs, nil })).
			Format(fmtFormat).
			Client(&http.Client{Timeout: *timeout})
		for _, kv := range grouping {
			pusher = pusher.Grouping(kv[0], kv[1])
		}
		if pushMethod == "PUT" {
			err = pusher.Push()
		} else {
			err = pusher.Add()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "nativepusher: %s failed: %v\n", pushMethod, err)
			os.Exit(1)
		}
		pushed = pushMethod
	}

	classicParts := make([]string, 0, len(h.GetBucket()))
	for _, b := range h.GetBucket() {
		classicParts = append(classicParts, formatFloat(b.GetUpperBound())+":"+strconv.FormatUint(b.GetCumulativeCount(), 10))
	}
	fmt.Printf("name=%s\n", mfs[0].GetName())
	fmt.Printf("count=%d\n", h.GetSampleCount())
	fmt.Printf("sum=%s\n", formatFloat(h.GetSampleSum()))
	fmt.Printf("schema=%d\n", h.GetSchema())
	fmt.Printf("zero_threshold=%s\n", formatFloat(h.GetZeroThreshold()))
	fmt.Printf("zero_count=%d\n", h.GetZeroCount())
	fmt.Printf("positive_spans=%s\n", spans(h.GetPositiveSpan()))
	fmt.Printf("positive_deltas=%s\n", deltas(h.GetPositiveDelta()))
	fmt.Printf("negative_spans=%s\n", spans(h.GetNegativeSpan()))
	fmt.Printf("negative_deltas=%s\n", deltas(h.GetNegativeDelta()))
	fmt.Printf("classic_buckets=%s\n", strings.Join(classicParts, ","))
	fmt.Printf("pushed=%s\n", pushed)
}
