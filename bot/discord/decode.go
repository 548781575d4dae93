package discord

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// componentLabel is Discord's Label component (type 18), which modals
// use to wrap one input with its label. discordgo v0.29.0 predates it.
const componentLabel = 18

// decodeInteraction decodes an interaction. discordgo refuses a whole
// interaction that holds one component type it does not know, and
// Discord adds new types; so when decoding fails, the components are
// cleaned and decoding is tried once more: a Label gives way to the input
// it wraps, and any other unknown component is dropped.
func decodeInteraction(body []byte) (*discordgo.Interaction, error) {
	var in discordgo.Interaction
	err := json.Unmarshal(body, &in)
	if err == nil {
		return &in, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keep numbers exactly as sent
	var raw any
	if dec.Decode(&raw) != nil {
		return nil, fmt.Errorf("decoding interaction: %w", err)
	}
	cleaned, merr := json.Marshal(pruneComponents(raw))
	if merr != nil {
		return nil, fmt.Errorf("decoding interaction: %w", err)
	}
	in = discordgo.Interaction{}
	if err2 := json.Unmarshal(cleaned, &in); err2 != nil {
		return nil, fmt.Errorf("decoding interaction: %w", err)
	}
	return &in, nil
}

// knownComponent reports whether discordgo v0.29.0 decodes component type t.
func knownComponent(t discordgo.ComponentType) bool {
	switch t {
	case discordgo.ActionsRowComponent, discordgo.ButtonComponent, discordgo.SelectMenuComponent,
		discordgo.TextInputComponent, discordgo.UserSelectMenuComponent, discordgo.RoleSelectMenuComponent,
		discordgo.MentionableSelectMenuComponent, discordgo.ChannelSelectMenuComponent,
		discordgo.SectionComponent, discordgo.TextDisplayComponent, discordgo.ThumbnailComponent,
		discordgo.MediaGalleryComponent, discordgo.FileComponentType, discordgo.SeparatorComponent,
		discordgo.ContainerComponent:
		return true
	}
	return false
}

// pruneComponents walks decoded JSON and cleans every "components" list
// (and a Section's "accessory") of component types discordgo cannot decode.
func pruneComponents(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			x[k] = pruneComponents(child)
		}
		if list, ok := x["components"].([]any); ok {
			x["components"] = cleanComponents(list)
		}
		if acc, ok := x["accessory"].(map[string]any); ok && !knownComponent(componentType(acc)) {
			delete(x, "accessory")
		}
		return x
	case []any:
		for i, child := range x {
			x[i] = pruneComponents(child)
		}
		return x
	}
	return v
}

// cleanComponents keeps the components discordgo knows; a Label becomes an
// action row holding the input it wraps, so its value is still read.
func cleanComponents(list []any) []any {
	kept := make([]any, 0, len(list))
	for _, c := range list {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		t := componentType(m)
		if t == componentLabel {
			inner, ok := m["component"].(map[string]any)
			if ok && knownComponent(componentType(inner)) {
				kept = append(kept, map[string]any{"type": int(discordgo.ActionsRowComponent), "components": []any{inner}})
			}
			continue
		}
		if knownComponent(t) {
			kept = append(kept, m)
		}
	}
	return kept
}

// componentType reads a decoded component's "type".
func componentType(m map[string]any) discordgo.ComponentType {
	n, ok := m["type"].(json.Number)
	if !ok {
		return 0
	}
	i, err := n.Int64()
	if err != nil {
		return 0
	}
	return discordgo.ComponentType(i)
}
