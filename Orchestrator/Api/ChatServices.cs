using AiAspire.EventBus;
using AiAspire.Orchestrator.Feedback;
using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Streaming;

namespace AiAspire.Orchestrator.Api;

/// <summary>What the chat endpoints need, bundled for <c>[AsParameters]</c>.</summary>
public sealed record ChatServices(
    PipelineRunner Pipeline, IEventPublisher Events, AnswerRecorder Answers, TimeProvider Clock, ILoggerFactory LoggerFactory, StreamedAnswerCheck AnswerCheck);
