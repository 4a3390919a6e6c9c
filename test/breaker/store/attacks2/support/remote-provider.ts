/**
 * A scripted provider (answers only) that asks a loopback server for each answer's text, so one
 * server counts the calls and probes in flight of every process of a fleet.
 */
import type { BaseMessage } from "@langchain/core/messages";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { ScriptedChatModel } from "../../../../../src/testing/index.js";

export class RemoteProvider extends ScriptedChatModel {
  private text = "";
  constructor(private readonly url: string) {
    super({ script: () => this.text });
  }

  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"], runManager?: CallbackManagerForLLMRun) {
    const reply = await fetch(`${this.url}/call`);
    this.text = await reply.text();
    return super._generate(messages, options, runManager);
  }
}
