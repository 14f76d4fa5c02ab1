// Command pusher pushes a fixed, deterministic set of metrics to a Pushgateway (or to anything that speaks
// its protocol, such as our gateway) with the real Go client, github.com/prometheus/client_golang/prometheus/push
// (Debian's golang-github-prometheus-client-golang-dev 1.14). Build it with scripts/build-go-pusher.sh; tests
// run it through io.promstream.testing.GoPusher.
//
// Usage:
//
//	pusher -url http://127.0.0.1:9091[/prefix] -job JOB [-grouping k=v ...] [-format protobuf|text]
//	       [-method push|add|delete] [-round N] [-timeout 10s]
//
// push is PUT (Pusher.Push), add is POST (Pusher.Add), delete is DELETE (Pusher.Delete, which sends no
// metrics). It pushes once and exits 0, or prints the error on stderr and exits 1 (2 for bad flags).
//
// The request (client_golang 1.14): PUT/POST/DELETE <url>/metrics/job/<job>[/<k>/<v>...], where the job and
// each grouping value are url.QueryEscape'd, or base64url WITHOUT padding under "<name>@base64" when they
// contain a '/', and "<name>@base64/=" when empty. The grouping pairs come from a Go map, so their ORDER IN
// THE PATH IS RANDOM from run to run. Content-Type is the format string itself:
//
//	protobuf: application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited
//	text:     text/plain; version=0.0.4; charset=utf-8
//
// The body holds the families sorted by name (the registry's Gather order); the protobuf body is a sequence
// of varint-length-delimited io.prometheus.client.MetricFamily messages (histograms carry no +Inf bucket:
// it is implicit in protobuf). DELETE sends no body and no Content-Type. Push and Add accept the answers
// 200 and 202, Delete only 202; anything else is an error. Caveat: url.QueryEscape turns a space into "+"
// and the Pushgateway (1.5.1) only path-unescapes, so -grouping 'x=a b' is stored as x="a+b" (the Python
// client does the same).
//
// Every run starts from a fresh registry and sets the CUMULATIVE values of round N, so runs with N = 1, 2,
// 3, ... look like one process pushing the same metrics over time. What a Pushgateway shows for round N
// (plus its own job/instance labels and push_time_seconds, push_failure_time_seconds):
//
//	# HELP pusher_request_duration_seconds Request duration.
//	# TYPE pusher_request_duration_seconds histogram
//	pusher_request_duration_seconds_bucket{le="0.1"} N        observations per round: 0.05, 0.3, 0.7, 2
//	pusher_request_duration_seconds_bucket{le="0.5"} 2N
//	pusher_request_duration_seconds_bucket{le="1"} 3N
//	pusher_request_duration_seconds_bucket{le="+Inf"} 4N
//	pusher_request_duration_seconds_sum 3.05*N               a float sum, so not exact: round 1 gives
//	                                                          3.05, round 2 6.1, round 3 9.149999999999999
//	pusher_request_duration_seconds_count 4N
//	# HELP pusher_requests_total Requests processed.
//	# TYPE pusher_requests_total counter
//	pusher_requests_total{code="200"} 10N
//	pusher_requests_total{code="500"} N
//	# HELP pusher_response_size_bytes Response size.
//	# TYPE pusher_response_size_bytes summary
//	pusher_response_size_bytes{quantile="0.5"} 200            observations per round: 100, 200, 300
//	pusher_response_size_bytes{quantile="0.9"} 300            (round 0: NaN for both)
//	pusher_response_size_bytes_sum 600N
//	pusher_response_size_bytes_count 3N
//	# HELP pusher_temperature_celsius Temperature.
//	# TYPE pusher_temperature_celsius gauge
//	pusher_temperature_celsius 20+N
//
// Round 0 is allowed: all counts and sums 0, the gauge 20.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
	"github.com/prometheus/common/expfmt"
)

// groupingFlag collects repeated -grouping k=v flags, in the order given.
type groupingFlag [][2]string

func (g *groupingFlag) String() string {
	parts := make([]string, 0, len(*g))
	for _, kv := range *g {
		parts = append(parts, kv[0]+"="+kv[1])
	}
	return strings.Join(parts, ",")
}

func (g *groupingFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return errors.New("want name=value")
	}
	*g = append(*g, [2]string{k, v})
	return nil
}

func main() {
	var grouping groupingFlag
	url := flag.String("url", "", "gateway base URL, may end with a path prefix (http://127.0.0.1:9091/prefix)")
	job := flag.String("job", "", "job name")
	flag.Var(&grouping, "grouping", "grouping label name=value (repeatable)")
	format := flag.String("format", "protobuf", "body format: protobuf (client_golang's default) or text")
	method := flag.String("method", "push", "push (PUT), add (POST) or delete (DELETE)")
	round := flag.Int("round", 1, "round N >= 0: the cumulative values to push (see the package comment)")
	timeout := flag.Duration("timeout", 10*time.Second, "HTTP timeout")
	flag.Parse()
	if flag.NArg() > 0 || *url == "" || *job == "" || *round < 0 {
		fmt.Fprintln(os.Stderr, "pusher: need -url, -job, -round >= 0 and no positional arguments")
		flag.Usage()
		os.Exit(2)
	}
	var fmtFormat expfmt.Format
	switch *format {
	case "protobuf":
		fmtFormat = expfmt.FmtProtoDelim
	case "text":
		fmtFormat = expfmt.FmtText
	default:
		fmt.Fprintf(os.Stderr, "pusher: unknown -format %q (protobuf or text)\n", *format)
		os.Exit(2)
	}

	pusher := push.New(*url, *job).
		Gatherer(registry(*round)).
		Format(fmtFormat).
		Client(&http.Client{Timeout: *timeout})
	for _, kv := range grouping {
		pusher = pusher.Grouping(kv[0], kv[1])
	}

	var err error
	switch *method {
	case "push":
		err = pusher.Push()
	case "add":
		err = pusher.Add()
	case "delete":
		err = pusher.Delete()
	default:
		fmt.Fprintf(os.Stderr, "pusher: unknown -method %q (push, add or delete)\n", *method)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pusher: %s failed: %v\n", *method, err)
		os.Exit(1)
	}
	fmt.Printf("pusher: %s ok (round %d, format %s)\n", *method, *round, *format)
}

// registry returns a fresh registry holding the values of round n (see the package comment).
func registry(n int) *prometheus.Registry {
	reg := prometheus.NewRegistry()

	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pusher_requests_total",
		Help: "Requests processed.",
	}, []string{"code"})
	temperature := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "pusher_temperature_celsius",
		Help: "Temperature.",
	})
	duration := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "pusher_request_duration_seconds",
		Help:    "Request duration.",
		Buckets: []float64{0.1, 0.5, 1},
	})
	size := prometheus.NewSummary(prometheus.SummaryOpts{
		Name:       "pusher_response_size_bytes",
		Help:       "Response size.",
		Objectives: map[float64]float64{0.5: 0.05, 0.9: 0.01},
	})
	reg.MustRegister(requests, temperature, duration, size)

	requests.WithLabelValues("200").Add(float64(10 * n))
	requests.WithLabelValues("500").Add(float64(n))
	temperature.Set(float64(20 + n))
	for i := 0; i < n; i++ { // always in this order, so that the float sums are reproducible
		for _, v := range []float64{0.05, 0.3, 0.7, 2} {
			duration.Observe(v)
		}
		for _, v := range []float64{100, 200, 300} {
			size.Observe(v)
		}
	}
	return reg
}
