package model

import (
	"sync"
	"sync/atomic"
)

// lazy is a stage-1 cache entry computed once, outside Engine.mu: the
// first analysis that needs it computes it, later ones wait for that, and
// analyses that need other things meanwhile are not held up (a first
// screen while the models fit).
type lazy[T any] struct {
	once  sync.Once
	ready atomic.Bool
	v     T
}

// cached returns m[k], computing it with f the first time; mu guards the
// map only.
func cached[K comparable, T any](mu *sync.Mutex, m map[K]*lazy[T], k K, f func() T) T {
	mu.Lock()
	e, ok := m[k]
	if !ok {
		e = &lazy[T]{}
		m[k] = e
	}
	mu.Unlock()
	e.once.Do(func() {
		e.v = f()
		e.ready.Store(true)
	})
	return e.v
}

// peek returns m[k] if it has been computed, without waiting for it.
func peek[K comparable, T any](mu *sync.Mutex, m map[K]*lazy[T], k K) (T, bool) {
	mu.Lock()
	e, ok := m[k]
	mu.Unlock()
	if !ok || !e.ready.Load() {
		var zero T
		return zero, false
	}
	return e.v, true
}
