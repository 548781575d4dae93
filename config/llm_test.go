package config

import (
	"strings"
	"testing"
	"time"
)

func TestLLMSettings(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.LLM() || c.LLMTimeout != DefaultLLMTimeout {
		t.Errorf("without settings: LLM()=%v timeout %v", c.LLM(), c.LLMTimeout)
	}
	c, err = Load(env(map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "PARABOT_LLM_MODEL": "llama3", "PARABOT_LLM_TIMEOUT": "7s"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.LLM() || c.LLMModel != "llama3" || c.LLMTimeout != 7*time.Second {
		t.Errorf("local server: %+v", c)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"PARABOT_LLM_MODEL": "gpt-4o-mini"}, "OPENAI_API_KEY"},
		{map[string]string{"OPENAI_API_KEY": "sk-1"}, "PARABOT_LLM_MODEL"},
		{map[string]string{"OPENAI_BASE_URL": "llm:8080", "PARABOT_LLM_MODEL": "m"}, "OPENAI_BASE_URL"},
		{map[string]string{"PARABOT_LLM_TIMEOUT": "forever"}, "PARABOT_LLM_TIMEOUT"},
		{map[string]string{"PARABOT_LLM_TIMEOUT": "1h"}, "PARABOT_LLM_TIMEOUT"},
	} {
		_, err := Load(env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("env %v: error %v, want one naming %s", tc.env, err, tc.want)
		}
	}
}
