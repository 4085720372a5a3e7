import type { Pipeline, PipelineStage, Portal } from './store';

const EPOCH = new Date(0).toISOString();

const stage = (id: string, label: string, displayOrder: number, metadata: Record<string, string>): PipelineStage => ({
  id,
  label,
  displayOrder,
  metadata,
  createdAt: EPOCH,
  updatedAt: EPOCH,
  archived: false,
});

const dealStage = (id: string, label: string, order: number, probability: string) =>
  stage(id, label, order, { isClosed: String(probability === '1.0' || id === 'closedlost'), probability });

const ticketStage = (id: string, label: string, order: number, state: 'OPEN' | 'CLOSED') =>
  stage(id, label, order, { ticketState: state, isClosed: String(state === 'CLOSED') });

/** The pipelines a new HubSpot account has: "Sales Pipeline" (`default`) for deals, "Support Pipeline" (`0`) for tickets. */
export function installDefaultPipelines(portal: Portal): void {
  const deals: Pipeline = {
    id: 'default',
    label: 'Sales Pipeline',
    displayOrder: 0,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    archived: false,
    stages: [
      dealStage('appointmentscheduled', 'Appointment Scheduled', 0, '0.2'),
      dealStage('qualifiedtobuy', 'Qualified To Buy', 1, '0.4'),
      dealStage('presentationscheduled', 'Presentation Scheduled', 2, '0.6'),
      dealStage('decisionmakerboughtin', 'Decision Maker Bought-In', 3, '0.8'),
      dealStage('contractsent', 'Contract Sent', 4, '0.9'),
      dealStage('closedwon', 'Closed Won', 5, '1.0'),
      dealStage('closedlost', 'Closed Lost', 6, '0.0'),
    ],
  };
  const tickets: Pipeline = {
    id: '0',
    label: 'Support Pipeline',
    displayOrder: 0,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    archived: false,
    stages: [
      ticketStage('1', 'New', 0, 'OPEN'),
      ticketStage('2', 'Waiting on contact', 1, 'OPEN'),
      ticketStage('3', 'Waiting on us', 2, 'OPEN'),
      ticketStage('4', 'Closed', 3, 'CLOSED'),
    ],
  };
  portal.pipelines.set('0-3', new Map([[deals.id, deals]]));
  portal.pipelines.set('0-5', new Map([[tickets.id, tickets]]));
}
