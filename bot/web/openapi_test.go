package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The API and openapi.yaml agree: every route is documented and every
// documented operation answers; each answer's status is one the document
// lists for it, and its body validates against the schema given for that
// status.

type openAPIDoc struct {
	Paths      map[string]map[string]operation `yaml:"paths"`
	Components struct {
		Schemas    map[string]map[string]any `yaml:"schemas"`
		Responses  map[string]response       `yaml:"responses"`
		Parameters map[string]parameter      `yaml:"parameters"`
	} `yaml:"components"`
}

type operation struct {
	Parameters  []parameter         `yaml:"parameters"`
	RequestBody map[string]any      `yaml:"requestBody"`
	Responses   map[string]response `yaml:"responses"`
}

type parameter struct {
	Ref      string `yaml:"$ref"`
	Name     string `yaml:"name"`
	In       string `yaml:"in"`
	Required bool   `yaml:"required"`
}

type response struct {
	Ref     string                          `yaml:"$ref"`
	Headers map[string]any                  `yaml:"headers"`
	Content map[string]struct{ Schema any } `yaml:"content"`
	Extra   map[string]any                  `yaml:",inline"`
}

func loadOpenAPI(t *testing.T) *openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if len(doc.Paths) == 0 {
		t.Fatal("openapi.yaml documents no path")
	}
	return &doc
}

func (d *openAPIDoc) response(r response) response {
	if name, ok := strings.CutPrefix(r.Ref, "#/components/responses/"); ok {
		return d.Components.Responses[name]
	}
	return r
}

func (d *openAPIDoc) parameter(p parameter) parameter {
	if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
		return d.Components.Parameters[name]
	}
	return p
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	s := newServer(t, unlimited)
	var routes, documented []string
	for _, r := range s.api() {
		routes = append(routes, r.method+" "+r.path)
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(routes)
	slices.Sort(documented)
	if !slices.Equal(routes, documented) {
		t.Errorf("routes and document differ:\nroutes     %q\ndocumented %q", routes, documented)
	}
	// The request of /api/ask: the fields read are the fields documented.
	schema := doc.Components.Schemas["AskRequest"]
	props, _ := schema["properties"].(map[string]any)
	var fields, names []string
	rt := reflect.TypeFor[askRequest]()
	for i := range rt.NumField() {
		fields = append(fields, strings.Split(rt.Field(i).Tag.Get("json"), ",")[0])
	}
	for name := range props {
		names = append(names, name)
	}
	slices.Sort(fields)
	slices.Sort(names)
	if !slices.Equal(fields, names) {
		t.Errorf("ask reads %q, the document gives %q", fields, names)
	}
}

// probe is a request made to an operation, and the status it should get.
type probe struct {
	status      int
	path, query string
	body        string
}

// probes are requests for every documented operation: one that succeeds
// and one of each documented failure.
func probes(path string) []probe {
	good := map[string]string{"n": "18", "term": url.PathEscape("碳达峰")}
	missing := map[string]string{"n": "99", "term": url.PathEscape("量子纠缠")}
	bad := map[string]string{"n": "abc", "term": "%FF"}
	fill := func(vals map[string]string) string {
		p := path
		for k, v := range vals {
			p = strings.ReplaceAll(p, "{"+k+"}", v)
		}
		return p
	}
	if path == "/api/ask" {
		return []probe{
			{200, path, "", `{"q":"森林覆盖率"}`},
			{200, path, "", `{"q":"那2025年呢","context":"森林覆盖率2020年是多少"}`},
			{200, path, "", `{"q":"养老服务","offset":3}`},
			{200, path, "", `{"q":"地铁"}`},
			{400, path, "", `{"q":""}`},
			{400, path, "", `{"q":7}`},
		}
	}
	ps := []probe{
		{200, fill(good), "", ""},
		{400, fill(good), "plan=nope", ""},
	}
	if strings.Contains(path, "{") {
		ps = append(ps, probe{404, fill(missing), "", ""}, probe{400, fill(bad), "", ""})
	}
	if path == "/api/targets" {
		ps = append(ps, probe{200, path, "topic=" + url.QueryEscape("就业"), ""}, probe{400, path, "topic=%FF", ""})
	}
	if path == "/api/plans" || path == "/api/openapi.yaml" {
		ps = ps[:1]
	}
	return ps
}

func TestOpenAPIResponsesAgree(t *testing.T) {
	doc := loadOpenAPI(t)
	s := newServer(t, unlimited)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			method = strings.ToUpper(method)
			for _, p := range probes(path) {
				target := p.path
				if p.query != "" {
					target += "?" + p.query
				}
				name := method + " " + target + " " + p.body
				t.Run(name, func(t *testing.T) {
					resp := do(s, method, target, p.body)
					if resp.StatusCode != p.status {
						t.Fatalf("status %d, want %d", resp.StatusCode, p.status)
					}
					checkResponse(t, doc, op, resp)
				})
			}
			// Past the rate limit, every operation answers 429 as
			// documented.
			t.Run(method+" "+path+" rate limited", func(t *testing.T) {
				limited := newServer(t, Options{PerMinute: 1, Burst: 1})
				p := probes(path)[0]
				do(limited, method, p.path, p.body)
				resp := do(limited, method, p.path, p.body)
				if resp.StatusCode != http.StatusTooManyRequests {
					t.Fatalf("status %d, want 429", resp.StatusCode)
				}
				checkResponse(t, doc, op, resp)
			})
		}
	}
}

// checkResponse checks resp against what op documents for its status.
func checkResponse(t *testing.T, doc *openAPIDoc, op operation, resp *http.Response) {
	t.Helper()
	r, ok := op.Responses[strconv.Itoa(resp.StatusCode)]
	if !ok {
		t.Fatalf("status %d is not documented", resp.StatusCode)
	}
	r = doc.response(r)
	for h := range r.Headers {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	body, _ := io.ReadAll(resp.Body)
	ct, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	media, ok := r.Content[ct]
	if !ok {
		t.Fatalf("Content-Type %q is not documented for %d", ct, resp.StatusCode)
	}
	if ct != "application/json" {
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	for _, e := range validate(doc, media.Schema, v, "$") {
		t.Error(e)
	}
}

// validate checks v against a schema of the document: types, required
// properties, enums, array items, allOf and $ref. It returns what is wrong.
func validate(doc *openAPIDoc, schema any, v any, at string) []string {
	sc, _ := schema.(map[string]any)
	if sc == nil {
		return nil
	}
	if ref, ok := sc["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		target, ok := doc.Components.Schemas[name]
		if !ok {
			return []string{at + ": unknown schema " + ref}
		}
		return validate(doc, target, v, at)
	}
	var errs []string
	if all, ok := sc["allOf"].([]any); ok {
		for _, sub := range all {
			errs = append(errs, validate(doc, sub, v, at)...)
		}
	}
	typ, _ := sc["type"].(string)
	switch typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want an object", at, v))
		}
		for _, req := range asList(sc["required"]) {
			if _, ok := m[req]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required %q missing", at, req))
			}
		}
		props, _ := sc["properties"].(map[string]any)
		for name, sub := range props {
			if val, ok := m[name]; ok {
				errs = append(errs, validate(doc, sub, val, at+"."+name)...)
			}
		}
	case "array":
		list, ok := v.([]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want an array", at, v))
		}
		for i, item := range list {
			errs = append(errs, validate(doc, sc["items"], item, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return append(errs, fmt.Sprintf("%s: %T, want a string", at, v))
		}
		if enum := asList(sc["enum"]); enum != nil && !slices.Contains(enum, str) {
			errs = append(errs, fmt.Sprintf("%s: %q is not one of %q", at, str, enum))
		}
	case "integer":
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) {
			errs = append(errs, fmt.Sprintf("%s: %v, want an integer", at, v))
		}
	case "number":
		if _, ok := v.(float64); !ok {
			errs = append(errs, fmt.Sprintf("%s: %T, want a number", at, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s: %T, want a boolean", at, v))
		}
	}
	return errs
}

func asList(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	var out []string
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// TestValidateFails keeps the validator honest: a body missing a required
// field, or with a field of the wrong type, does not pass.
func TestValidateFails(t *testing.T) {
	doc := loadOpenAPI(t)
	schema := map[string]any{"$ref": "#/components/schemas/Error"}
	if errs := validate(doc, schema, map[string]any{"error": "x", "code": "bad_request"}, "$"); len(errs) > 0 {
		t.Errorf("a good error fails: %v", errs)
	}
	for _, bad := range []any{
		map[string]any{"error": "x"},
		map[string]any{"error": 1.0, "code": "bad_request"},
		map[string]any{"error": "x", "code": "no such code"},
		[]any{},
	} {
		if errs := validate(doc, schema, bad, "$"); len(errs) == 0 {
			t.Errorf("%v passes", bad)
		}
	}
}
